//! The private credentials cache (docs/design.md §4): one 0600 JSON file per credential set
//! in a 0700 directory, written atomically, with a lock file per entry.

use std::cell::RefCell;
use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic::{self, euid};
use crate::credentials::{Credentials, now, parse_rfc3339, rfc3339};
use crate::error::{Error, Result};
use crate::log::note;
use crate::profile::{ROLE_CHAINING_MAX, ResolvedProfile};

const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Session,
    Role,
}

/// What identifies a credential set. Never holds the long-term secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryId<'a> {
    pub access_key_id: &'a str,
    pub device: &'a str,
    pub role_arn: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub session_name: Option<&'a str>,
}

impl<'a> EntryId<'a> {
    /// The MFA session of a plan's long-term key and `device`.
    pub fn session(plan: &'a ResolvedProfile, device: &'a str) -> Self {
        EntryId {
            access_key_id: &plan.access_key_id,
            device,
            role_arn: None,
            external_id: None,
            session_name: None,
        }
    }

    /// The credentials a plan hands over: its role's, else its MFA session.
    pub fn handed_over(plan: &'a ResolvedProfile, device: &'a str) -> Self {
        match &plan.role {
            None => Self::session(plan, device),
            Some(role) => EntryId {
                role_arn: Some(&role.arn),
                external_id: role.external_id.as_deref(),
                session_name: Some(&role.session_name),
                ..Self::session(plan, device)
            },
        }
    }

    /// File stem: a hash of the identifying parts, so no key id shows in a file name.
    pub fn file_stem(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            Some(self.access_key_id),
            Some(self.device),
            self.role_arn,
            self.external_id,
            self.session_name,
        ] {
            // Length-prefixed, so no two different tuples hash the same text.
            let part = part.unwrap_or("");
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    fn kind(&self) -> Kind {
        if self.role_arn.is_some() {
            Kind::Role
        } else {
            Kind::Session
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    schema: u32,
    kind: Kind,
    profile: String,
    device: String,
    role: Option<String>,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
    obtained: String,
    /// The lifetime asked of STS, in seconds (absent in entries of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    asked_seconds: Option<u32>,
    /// Whether a role session was assumed from an MFA session (role chaining, at most 1 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chained: Option<bool>,
}

/// How credentials were obtained, as the cache records it: what a later request is
/// checked against before they are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The lifetime asked of STS, in seconds.
    pub asked_seconds: u32,
    /// A role session assumed from an MFA session rather than with the code itself.
    pub chained: bool,
}

/// What a request needs of a cached entry for it to be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    pub seconds: u32,
    /// `--no-session`: a role session assumed directly with the code.
    pub direct: bool,
}

/// A cached entry: the credentials and how they were obtained, when the entry says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub credentials: Credentials,
    asked_seconds: Option<u32>,
    chained: Option<bool>,
    obtained: Option<i64>,
}

/// Slack for entries of earlier versions, judged by the lifetime STS granted.
const LIFETIME_SLACK: i64 = 300;

impl Cached {
    /// Why these credentials do not give what `wanted` asks, if they do not.
    pub fn shortfall(&self, wanted: Wanted) -> Option<String> {
        if wanted.direct && self.chained != Some(false) {
            return Some(
                "was assumed from an MFA session (at most 1 h), and --no-session asks for a role session assumed with the code"
                    .into(),
            );
        }
        let enough = match (self.asked_seconds, self.obtained) {
            (Some(asked), _) => asked >= wanted.seconds,
            (None, Some(obtained)) => {
                self.credentials.expiration - obtained + LIFETIME_SLACK >= i64::from(wanted.seconds)
            }
            (None, None) => true,
        };
        (!enough).then(|| {
            format!(
                "was obtained for less than the {} s now asked",
                wanted.seconds
            )
        })
    }
}

pub struct Cache {
    dir: PathBuf,
    /// Entries already said to be untrusted: the cache is read again under the lock.
    noted: RefCell<Vec<PathBuf>>,
}

/// Held while credentials for one entry are obtained; released on drop.
pub struct EntryLock {
    _file: File,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            noted: RefCell::new(Vec::new()),
        }
    }

    /// A note about the entry at `path`, once per run.
    fn note_once(&self, path: &Path, text: std::fmt::Arguments) {
        let mut noted = self.noted.borrow_mut();
        if !noted.iter().any(|p| p == path) {
            noted.push(path.to_path_buf());
            note!("{text}");
        }
    }

    /// `$AWS_MFA_CACHE_DIR`, else the platform cache directory.
    pub fn locate() -> Result<Self> {
        if let Some(dir) = std::env::var_os("AWS_MFA_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Ok(Self::new(PathBuf::from(dir)));
        }
        crate::paths::cache_dir().map(Self::new)
    }

    /// Where an entry is kept (for messages).
    pub fn entry_path(&self, id: &EntryId) -> PathBuf {
        self.path(id, "json")
    }

    fn path(&self, id: &EntryId, extension: &str) -> PathBuf {
        self.dir.join(format!("{}.{extension}", id.file_stem()))
    }

    /// Cached credentials for `id`, if a trusted entry exists (fresh or not: the caller decides).
    pub fn load(&self, id: &EntryId) -> Option<Cached> {
        if self.dir_problem().is_some() {
            return None; // obtaining credentials will say what is wrong
        }
        let path = self.path(id, "json");
        let opened = open_private(&path);
        if let Err(e) = &opened
            && e.raw_os_error() == Some(libc::ELOOP)
        {
            self.note_once(
                &path,
                format_args!(
                    "cache file {} is a symbolic link; it will be replaced",
                    path.display()
                ),
            );
        }
        let mut file = opened.ok()?;
        match read_entry(&mut file, id) {
            Ok(credentials) => Some(credentials),
            Err(Distrust::Directory) => {
                self.note_once(
                    &path,
                    format_args!(
                        "{} is a directory where a cache file belongs; remove it so that credentials can be cached",
                        path.display()
                    ),
                );
                None
            }
            Err(Distrust::Replace(why)) => {
                self.note_once(
                    &path,
                    format_args!("cache file {} {why}; it will be replaced", path.display()),
                );
                None
            }
        }
    }

    /// Takes the entry's exclusive lock, waiting for another aws-mfa that holds it — at
    /// most `patience` when given (a prompt hook never waits on another terminal's prompt).
    pub fn lock(&self, id: &EntryId, patience: Option<Duration>) -> Result<EntryLock> {
        self.lock_file(
            &self.path(id, "lock"),
            "obtaining these credentials",
            patience,
        )
    }

    /// Takes the lock under which the MFA device of a long-term key is found through IAM,
    /// as [`Cache::lock`] does for an entry.
    pub fn lock_discovery(
        &self,
        access_key_id: &str,
        patience: Option<Duration>,
    ) -> Result<EntryLock> {
        let path = self.device_path(access_key_id).with_extension("lock");
        self.lock_file(&path, "finding the MFA device of this key", patience)
    }

    fn lock_file(&self, path: &Path, doing: &str, patience: Option<Duration>) -> Result<EntryLock> {
        self.ensure_dir()?;
        let path = path.to_path_buf();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| io_error("open the cache lock", &path, e))?;
        match file.try_lock() {
            Ok(()) => return Ok(EntryLock { _file: file }),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(io_error("lock", &path, e)),
        }
        let Some(patience) = patience else {
            crate::log::say(&format!(
                "aws-mfa: waiting for another aws-mfa that is {doing}"
            ));
            file.lock().map_err(|e| io_error("lock", &path, e))?;
            return Ok(EntryLock { _file: file });
        };
        let deadline = Instant::now() + patience;
        // No lock call takes a timeout: try again every few milliseconds until the deadline.
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            match file.try_lock() {
                Ok(()) => return Ok(EntryLock { _file: file }),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(io_error("lock", &path, e)),
            }
        }
        Err(Error::new(format!(
            "another aws-mfa is {doing} (it may be waiting for an MFA code) and --no-prompt does not wait for it (waited {} ms); try again once it is done",
            patience.as_millis()
        )))
    }

    /// Writes the entry atomically: temp file in the same directory, fsync, rename.
    pub fn store(
        &self,
        id: &EntryId,
        profile: &str,
        credentials: &Credentials,
        grant: Grant,
    ) -> Result<()> {
        self.ensure_dir()?;
        let entry = Entry {
            schema: SCHEMA,
            kind: id.kind(),
            profile: profile.to_string(),
            device: id.device.to_string(),
            role: id.role_arn.map(str::to_string),
            access_key_id: credentials.access_key_id.clone(),
            secret_access_key: credentials.secret_access_key.clone(),
            session_token: credentials.session_token.clone(),
            expiration: credentials.expiration_rfc3339(),
            obtained: rfc3339(now()),
            asked_seconds: Some(grant.asked_seconds),
            chained: id.role_arn.is_some().then_some(grant.chained),
        };
        let mut body = serde_json::to_vec_pretty(&entry).expect("a cache entry serialises");
        body.push(b'\n');
        let path = self.path(id, "json");
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::new(format!(
                "{} is a directory where the cache file belongs; remove it",
                path.display()
            )));
        }
        self.write_private(&path, &body)
    }

    /// Atomic replace (temp file in the same directory, fsync, rename), mode 0600; first
    /// removes what a killed writer of the same file left (the caller holds its lock).
    fn write_private(&self, path: &Path, body: &[u8]) -> Result<()> {
        atomic::remove_leftovers(path)
            .and_then(|()| atomic::write_private(path, body))
            .map_err(|e| io_error("write the cache file", path, e))
    }

    /// The MFA device found through IAM for a long-term key, remembered so that a cache
    /// hit needs no network.
    pub fn remembered_device(&self, access_key_id: &str) -> Option<String> {
        let path = self.device_path(access_key_id);
        let mut file = open_private(&path).ok()?;
        let meta = file.metadata().ok()?;
        if meta.uid() != euid() || meta.permissions().mode() & 0o022 != 0 {
            return None; // someone else could have pointed it at their device
        }
        let mut text = String::new();
        file.read_to_string(&mut text).ok()?;
        let device = text.trim();
        (!device.is_empty() && !device.contains(char::is_whitespace)).then(|| device.to_string())
    }

    pub fn remember_device(&self, access_key_id: &str, device: &str) -> Result<()> {
        self.ensure_dir()?;
        // Written under the discovery lock; a killed writer's temp file holds no secret.
        let path = self.device_path(access_key_id);
        atomic::write_private(&path, format!("{device}\n").as_bytes())
            .map_err(|e| io_error("write", &path, e))
    }

    fn device_path(&self, access_key_id: &str) -> PathBuf {
        let id = EntryId {
            access_key_id,
            device: "",
            role_arn: None,
            external_id: None,
            session_name: None,
        };
        self.dir.join(format!("{}.device", id.file_stem()))
    }

    /// Takes the lock under which a code for `device` is checked against the codes STS
    /// accepted, sent, and remembered, as [`Cache::lock`] does for an entry: parallel runs
    /// for different entries of one device never send one code twice.
    pub fn lock_codes(&self, device: &str, patience: Option<Duration>) -> Result<EntryLock> {
        let path = self.codes_path(device).with_extension("lock");
        self.lock_file(&path, "using an MFA code of this device", patience)
    }

    /// Where the codes STS accepted for `device` are remembered (`crate::used_codes`).
    pub fn codes_path(&self, device: &str) -> PathBuf {
        // No access key has an empty id: no entry has this stem.
        let id = EntryId {
            access_key_id: "",
            device,
            role_arn: None,
            external_id: None,
            session_name: None,
        };
        self.dir.join(format!("{}.used", id.file_stem()))
    }

    /// The file of the codes STS accepted for `device`, when it is there and trusted: a
    /// regular file of this user's that others may neither read nor write.
    pub fn open_codes(&self, device: &str) -> Option<File> {
        if self.dir_problem().is_some() {
            return None;
        }
        let file = open_private(&self.codes_path(device)).ok()?;
        let meta = file.metadata().ok()?;
        (meta.is_file() && meta.uid() == euid() && meta.permissions().mode() & 0o077 == 0)
            .then_some(file)
    }

    /// Replaces the file of the codes STS accepted for `device` (under its lock).
    pub fn write_codes(&self, device: &str, body: &[u8]) -> Result<()> {
        self.ensure_dir()?;
        self.write_private(&self.codes_path(device), body)
    }

    /// Deletes one entry; true if it was there. Lock files stay: another aws-mfa may hold one.
    pub fn remove(&self, id: &EntryId) -> Result<bool> {
        let path = self.path(id, "json");
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("delete", &path, e)),
        }
    }

    /// Deletes every entry, every remembered MFA device, the codes STS accepted and
    /// leftover temporary files; returns how many entries and devices.
    pub fn remove_all(&self) -> Result<(usize, usize)> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
            Err(e) => return Err(io_error("read the cache directory", &self.dir, e)),
        };
        let (mut removed, mut devices) = (0, 0);
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // A directory standing where an entry belongs is no entry (the user removes it).
            let ours = |suffix: &str| {
                entry.file_type().is_ok_and(|t| !t.is_dir())
                    && name.strip_suffix(suffix).is_some_and(|stem| {
                        stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
                    })
            };
            let path = entry.path();
            if ours(".json") {
                fs::remove_file(&path).map_err(|e| io_error("delete", &path, e))?;
                removed += 1;
            } else if ours(".device") {
                fs::remove_file(&path).map_err(|e| io_error("delete", &path, e))?;
                devices += 1;
            } else if ours(".used") {
                fs::remove_file(&path).map_err(|e| io_error("delete", &path, e))?;
            } else if atomic::is_temp_name(&name) {
                atomic::remove_unless_live(&path).map_err(|e| io_error("delete", &path, e))?;
            }
        }
        Ok((removed, devices))
    }

    /// Creates the directory (0700) if need be and refuses one that others control.
    fn ensure_dir(&self) -> Result<()> {
        if fs::symlink_metadata(&self.dir).is_ok_and(|m| !m.is_dir()) {
            return Err(self.untrusted_dir());
        }
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|e| io_error("create the cache directory", &self.dir, e))?;
        // A directory aws-mfa did not create is never chmod'ed (it may be /tmp or a home
        // directory): one that is not private to this user is refused.
        if self.dir_problem().is_some() {
            return Err(self.untrusted_dir());
        }
        Ok(())
    }

    fn untrusted_dir(&self) -> Error {
        let problem = self
            .dir_problem()
            .unwrap_or_else(|| "cannot be used".into());
        Error::new(format!(
            "the cache directory {} {problem}, so aws-mfa will not keep credentials there; set AWS_MFA_CACHE_DIR to a private directory (mode 0700) of your own",
            self.dir.display()
        ))
    }

    /// Why the directory cannot be trusted with secrets, if it cannot: a link that could
    /// point anywhere, another user's directory, or one others may read or write.
    fn dir_problem(&self) -> Option<String> {
        let meta = fs::symlink_metadata(&self.dir).ok()?;
        let mode = meta.permissions().mode() & 0o7777;
        if meta.file_type().is_symlink() {
            Some("is a symbolic link".into())
        } else if !meta.is_dir() {
            Some("is not a directory".into())
        } else if meta.uid() != euid() {
            Some("belongs to another user".into())
        } else if mode & 0o077 != 0 {
            Some(format!("is open to other users (mode {mode:04o})"))
        } else {
            None
        }
    }
}

/// Opens one of aws-mfa's files for reading, refusing a symbolic link in its place.
fn open_private(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Why an entry is not used.
enum Distrust {
    /// A directory stands where the file belongs: it cannot be replaced by a rename.
    Directory,
    /// The file says so, and the next store replaces it.
    Replace(&'static str),
}

impl From<&'static str> for Distrust {
    fn from(why: &'static str) -> Self {
        Distrust::Replace(why)
    }
}

/// Reads and checks one entry; the error says why it is not trusted.
fn read_entry(file: &mut File, id: &EntryId) -> Result<Cached, Distrust> {
    let meta = file.metadata().map_err(|_| "cannot be read")?;
    if meta.is_dir() {
        return Err(Distrust::Directory);
    }
    if meta.uid() != euid() {
        return Err("belongs to another user".into());
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err("is readable or writable by others".into());
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|_| "cannot be read")?;
    let entry: Entry = serde_json::from_str(&text).map_err(|_| "does not parse")?;
    if entry.schema != SCHEMA {
        return Err("has another schema".into());
    }
    if entry.device != id.device || entry.role.as_deref() != id.role_arn {
        return Err("belongs to other credentials".into());
    }
    let expiration = parse_rfc3339(&entry.expiration).ok_or("has no valid expiration")?;
    let obtained = parse_rfc3339(&entry.obtained);
    // An entry of an earlier version lasting over an hour was not chained (AWS caps chaining at 1 h).
    let outlasts_chaining = obtained.is_some_and(|obtained| {
        expiration - obtained > i64::from(ROLE_CHAINING_MAX) + LIFETIME_SLACK
    });
    Ok(Cached {
        credentials: Credentials {
            access_key_id: entry.access_key_id,
            secret_access_key: entry.secret_access_key,
            session_token: entry.session_token,
            expiration,
        },
        asked_seconds: entry.asked_seconds,
        // An MFA session entry is never chained.
        chained: entry
            .chained
            .or((entry.kind == Kind::Session || outlasts_chaining).then_some(false)),
        obtained,
    })
}

fn io_error(action: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(format!(
        "cannot {action} {}: {e}; check its permissions or set AWS_MFA_CACHE_DIR",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> EntryId<'static> {
        EntryId {
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            device: "arn:aws:iam::123456789012:mfa/alice",
            role_arn: None,
            external_id: None,
            session_name: None,
        }
    }

    const GRANT: Grant = Grant {
        asked_seconds: 3600,
        chained: false,
    };

    #[test]
    fn an_entry_is_served_only_for_what_it_was_obtained_for() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        let role = EntryId {
            role_arn: Some("arn:aws:iam::123456789012:role/Admin"),
            session_name: Some("alice"),
            ..id()
        };
        let chained = Grant {
            asked_seconds: 3600,
            chained: true,
        };
        cache
            .store(&role, "admin", &creds(now() + 3600), chained)
            .unwrap();
        let entry = cache.load(&role).unwrap();
        let want = |seconds, direct| Wanted { seconds, direct };
        assert_eq!(entry.shortfall(want(3600, false)), None);
        assert!(
            entry
                .shortfall(want(3600, true))
                .unwrap()
                .contains("--no-session")
        );
        assert!(
            entry
                .shortfall(want(7200, false))
                .unwrap()
                .contains("7200 s")
        );
        cache
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap();
        let session = cache.load(&id()).unwrap();
        assert_eq!(
            session.shortfall(want(900, true)),
            None,
            "a session is never chained"
        );
        // An entry of an earlier version is judged by the lifetime STS granted.
        let file = cache.path(&id(), "json");
        let mut old: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        old.as_object_mut()
            .unwrap()
            .remove("asked_seconds")
            .unwrap();
        fs::write(&file, old.to_string()).unwrap();
        let old = cache.load(&id()).unwrap();
        assert_eq!(old.shortfall(want(3600, false)), None);
        assert!(old.shortfall(want(43200, false)).is_some());
    }

    fn creds(expiration: i64) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "short-term-secret".into(),
            session_token: "token".into(),
            expiration,
        }
    }

    #[test]
    fn stores_privately_and_loads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        let c = creds(now() + 3600);
        cache.store(&id(), "dev", &c, GRANT).unwrap();
        assert_eq!(cache.load(&id()).map(|c| c.credentials), Some(c));
        let dir_mode = fs::metadata(tmp.path().join("c"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let file = cache.path(&id(), "json");
        assert_eq!(
            fs::metadata(file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn distrusts_loose_modes_bad_json_and_other_schemas() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        cache
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap();
        let file = cache.path(&id(), "json");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(cache.load(&id()), None);
        fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        let text = fs::read_to_string(&file).unwrap();
        fs::write(&file, text.replace("\"schema\": 1", "\"schema\": 2")).unwrap();
        assert_eq!(cache.load(&id()), None);
        fs::write(&file, "{not json").unwrap();
        assert_eq!(cache.load(&id()), None);
    }

    #[test]
    fn removes_one_entry_or_all() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        let role = EntryId {
            role_arn: Some("arn:aws:iam::123456789012:role/A"),
            ..id()
        };
        cache
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap();
        cache
            .store(&role, "admin", &creds(now() + 3600), GRANT)
            .unwrap();
        cache
            .remember_device(id().access_key_id, id().device)
            .unwrap();
        crate::used_codes::UsedCodes::new(&cache, id().device)
            .remember("123456")
            .unwrap();
        fs::write(tmp.path().join("c/notes.txt"), "mine").unwrap();
        assert!(cache.remove(&role).unwrap());
        assert!(!cache.remove(&role).unwrap());
        assert!(cache.load(&id()).is_some());
        assert_eq!(cache.remove_all().unwrap(), (1, 1), "one entry, one device");
        assert_eq!(cache.remembered_device(id().access_key_id), None);
        assert!(
            !cache.codes_path(id().device).exists(),
            "the codes STS accepted go too"
        );
        assert!(cache.load(&id()).is_none());
        assert!(
            tmp.path().join("c/notes.txt").exists(),
            "only aws-mfa's files go"
        );
    }

    #[test]
    fn a_symlink_in_place_of_an_entry_is_neither_read_nor_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        cache
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap();
        let elsewhere = tmp.path().join("elsewhere.json");
        fs::copy(cache.entry_path(&id()), &elsewhere).unwrap();
        fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o600)).unwrap();
        fs::remove_file(cache.entry_path(&id())).unwrap();
        std::os::unix::fs::symlink(&elsewhere, cache.entry_path(&id())).unwrap();
        assert_eq!(cache.load(&id()), None, "read through a link");
        let before = fs::read(&elsewhere).unwrap();
        cache
            .store(&id(), "dev", &creds(now() + 7200), GRANT)
            .unwrap();
        assert_eq!(
            fs::read(&elsewhere).unwrap(),
            before,
            "wrote through a link"
        );
        let meta = fs::symlink_metadata(cache.entry_path(&id())).unwrap();
        assert!(meta.is_file() && !meta.file_type().is_symlink());
    }

    /// Whether the calling test may go on as root: true as root (as CI runs the suites);
    /// otherwise it runs again, alone, as root of a user namespace whose other users are
    /// the ids of /etc/subuid (`unshare --map-root-user --map-auto`), and false once it
    /// passed there. Where no such namespace can be made, it fails saying it needs root.
    fn as_root(test: &str, why: &str) -> bool {
        if euid() == 0 {
            return true;
        }
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new("unshare")
            .args(["--map-root-user", "--map-auto", "--"])
            .arg(exe)
            .args([test, "--exact", "--test-threads=1"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("this test {why}: it needs root, or unshare ({e})"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.starts_with("unshare:"),
            "this test must run as root: it {why}; as another user it runs in a user namespace \
             with the user's subordinate ids, which this system refused ({}): give the user ids \
             in /etc/subuid and /etc/subgid and install newuidmap (Debian's uidmap), or run as root",
            stderr.trim()
        );
        assert!(
            out.status.success() && stdout.contains("test result: ok. 1 passed"),
            "{test}, run as root of a user namespace, failed:\n{stdout}\n{stderr}"
        );
        false
    }

    #[test]
    fn a_cache_directory_others_control_is_refused() {
        if !as_root(
            "cache::tests::a_cache_directory_others_control_is_refused",
            "gives a directory and a file to another user",
        ) {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = Cache::new(link)
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap_err();
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert_eq!(
            fs::read_dir(&real).unwrap().count(),
            0,
            "wrote into the link's target"
        );

        // Another user's directory, or a file of another user's: chown to nobody.
        {
            let theirs = tmp.path().join("theirs");
            fs::create_dir(&theirs).unwrap();
            std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
            let err = Cache::new(theirs)
                .store(&id(), "dev", &creds(now() + 3600), GRANT)
                .unwrap_err();
            assert!(err.to_string().contains("belongs to another user"), "{err}");

            let cache = Cache::new(tmp.path().join("mine"));
            cache
                .store(&id(), "dev", &creds(now() + 3600), GRANT)
                .unwrap();
            std::os::unix::fs::chown(cache.entry_path(&id()), Some(65534), None).unwrap();
            assert_eq!(cache.load(&id()), None, "trusted another user's file");
        }
    }

    #[test]
    fn a_cache_directory_open_to_others_is_refused_and_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o1777)).unwrap();
        let err = Cache::new(dir.clone())
            .store(&id(), "dev", &creds(now() + 3600), GRANT)
            .unwrap_err();
        assert!(
            err.to_string().contains("open to other users (mode 1777)"),
            "{err}"
        );
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o7777,
            0o1777
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn a_lock_held_elsewhere_is_given_up_after_the_patience() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        let _held = cache.lock(&id(), None).unwrap();
        // flock locks belong to an open file: a second open of the lock file is another holder.
        let started = Instant::now();
        let err = Cache::new(tmp.path().join("c"))
            .lock(&id(), Some(Duration::from_millis(200)))
            .err()
            .expect("the lock is held");
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert!(
            err.to_string().contains("--no-prompt does not wait"),
            "{err}"
        );
    }

    #[test]
    fn every_identifying_part_changes_the_key() {
        let base = id().file_stem();
        let variants = [
            EntryId {
                access_key_id: "AKIAOTHER",
                ..id()
            },
            EntryId {
                device: "arn:aws:iam::123456789012:mfa/bob",
                ..id()
            },
            EntryId {
                role_arn: Some("arn:aws:iam::123456789012:role/A"),
                ..id()
            },
            EntryId {
                external_id: Some("x"),
                ..id()
            },
            EntryId {
                session_name: Some("alice"),
                ..id()
            },
        ];
        for v in variants {
            assert_ne!(v.file_stem(), base, "{v:?}");
        }
    }
}
