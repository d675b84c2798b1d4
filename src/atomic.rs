//! Atomic file replacement: a reader sees the old contents or the new, never a mix, and a
//! failure at any step leaves the old file as it was.

use std::fs::{self, DirBuilder, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How many symbolic links `write` follows before giving up, as Linux does (ELOOP).
const MAX_SYMLINKS: usize = 40;

/// Replaces `path` with `contents`: temp file in the target's directory, write, fsync,
/// rename, fsync the directory.
///
/// An existing file keeps its mode, owner and group, and one with more than one hard link
/// is refused (a rename would split it; see [`check_replaceable`]); a new file is created
/// with `new_mode` (0600 for credentials); missing parent directories are created 0700. If `path` is a symbolic link,
/// the link's final target is replaced and the link stays; a dangling link's target is
/// created. The temp file has the final mode from its creation, so secrets are never
/// readable by more users than the final file allows.
pub fn write(path: &Path, contents: &[u8], new_mode: u32) -> io::Result<()> {
    write_with(path, contents, new_mode, |_| Ok(()))
}

/// For aws-mfa's own private files (the cache): `path` itself is replaced, never what a
/// symbolic link there points to, and the file is always 0600.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace(path, contents, 0o600, None, |_| Ok(()))
}

/// `write`, calling `before_rename` with the temp file's path once it is written and synced:
/// tests use it to fail at the worst moment.
fn write_with(
    path: &Path,
    contents: &[u8],
    new_mode: u32,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve_symlinks(path)?;
    if let Err(why) = check_replaceable(&target) {
        return Err(io::Error::other(why));
    }
    let (mode, owner) = match fs::metadata(&target) {
        Ok(meta) => (
            meta.permissions().mode() & 0o7777,
            Some((meta.uid(), meta.gid())),
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => (new_mode, None),
        Err(e) => return Err(e),
    };
    replace(&target, contents, mode, owner, before_rename)
}

/// Why the file at `path` (links followed) cannot be replaced as it is, if it cannot: it is
/// no regular file (a device, a FIFO, a directory), or a rename would split its hard links,
/// or change its owner or group.
pub fn check_replaceable(path: &Path) -> Result<(), String> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Ok(()), // a missing file is created; other errors show when read
    };
    if !meta.is_file() {
        return Err(
            "it is not a regular file (a device, a pipe or a directory), so it cannot hold credentials"
                .into(),
        );
    }
    if meta.nlink() > 1 {
        return Err(format!(
            "it has {} hard links, and replacing it would split them (remove the other links first)",
            meta.nlink()
        ));
    }
    let euid = euid();
    if meta.uid() != euid && euid != 0 {
        return Err(format!(
            "it belongs to another user (uid {}), and replacing it would make it yours (run aws-mfa as that user)",
            meta.uid()
        ));
    }
    if euid != 0 && !in_group(meta.gid()) {
        return Err(format!(
            "its group (gid {}) is not one of yours, and replacing it would change its group (run chgrp with one of your groups on it first)",
            meta.gid()
        ));
    }
    Ok(())
}

/// Whether this process may give a file the group `gid`: its own group or a supplementary one.
fn in_group(gid: u32) -> bool {
    // SAFETY: getegid has no preconditions; getgroups writes at most `len` entries.
    unsafe {
        if libc::getegid() == gid {
            return true;
        }
        let len = libc::getgroups(0, std::ptr::null_mut());
        if len <= 0 {
            return false;
        }
        let mut groups = vec![0; len as usize];
        let len = libc::getgroups(len, groups.as_mut_ptr());
        groups.truncate(len.max(0) as usize);
        groups.contains(&gid)
    }
}

/// Held while one file is read, edited and replaced: an exclusive lock on a 0600 lock file
/// beside the file it finally names (`.credentials.aws-mfa.lock`), so writers serialize
/// however the path is spelled (links, `..`) and whatever cache directory each uses, and no
/// other user can hold it.
pub struct EditLock {
    _file: File,
}

/// How long an edit waits for another aws-mfa editing the same file: edits take
/// milliseconds, so a longer wait means a stuck writer, not a slow one.
const EDIT_LOCK_PATIENCE: Duration = Duration::from_secs(10);

/// Waits (at most [`EDIT_LOCK_PATIENCE`]) for, then takes, the lock for editing `path`
/// (see [`EditLock`]); creates missing parent directories 0700.
pub fn lock_edits(path: &Path) -> io::Result<EditLock> {
    let target = resolve_symlinks(path)?;
    let dir = parent_dir(&target);
    DirBuilder::new().recursive(true).mode(0o700).create(&dir)?;
    let lock_path = lock_path(&target)?;
    let open = |create: bool| {
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(create)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&lock_path)
    };
    // Only a lock file this run made is ever chowned: an existing one may be a hard link
    // to a file someone wants root to give away.
    let (file, created) = match open(true) {
        Ok(file) => (file, true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => (open(false)?, false),
        Err(e) => return Err(e),
    };
    let dir_meta = fs::metadata(&dir)?;
    if let Some(why) = lock_problem(&file.metadata()?, &dir_meta) {
        return Err(io::Error::other(format!("{} {why}", lock_path.display())));
    }
    // Root editing a user's file makes its new lock file theirs, so their runs can open it.
    if created && euid() == 0 && dir_meta.uid() != 0 {
        let owner = fs::metadata(&target).unwrap_or(dir_meta);
        std::os::unix::fs::fchown(&file, Some(owner.uid()), Some(owner.gid()))?;
    }
    let deadline = Instant::now() + EDIT_LOCK_PATIENCE;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(EditLock { _file: file }),
            Err(fs::TryLockError::Error(e)) => return Err(e),
            Err(fs::TryLockError::WouldBlock) if Instant::now() >= deadline => {
                return Err(io::Error::other(format!(
                    "another aws-mfa has been editing it for {} s (it holds {}); try again once it is done",
                    EDIT_LOCK_PATIENCE.as_secs(),
                    lock_path.display()
                )));
            }
            // No lock call takes a timeout: try again every few milliseconds.
            Err(fs::TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// `.NAME.aws-mfa.lock` beside the file `target` names.
fn lock_path(target: &Path) -> io::Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    Ok(parent_dir(target).join(format!(".{}.aws-mfa.lock", name.to_string_lossy())))
}

/// Why an existing lock file cannot serve, if it cannot: it must be a regular file with one
/// link, of this user or of the directory's owner (whom root makes it for).
fn lock_problem(meta: &fs::Metadata, dir: &fs::Metadata) -> Option<String> {
    if !meta.file_type().is_file() {
        Some("is not a regular file, so it cannot serve as aws-mfa's lock file; remove it".into())
    } else if meta.nlink() != 1 {
        Some("has other hard links, so it cannot serve as aws-mfa's lock file; remove it".into())
    } else if meta.uid() != euid() && meta.uid() != dir.uid() {
        Some(format!(
            "belongs to another user (uid {}), so aws-mfa cannot use it as its lock file; keep the credentials file in a directory only you can write to",
            meta.uid()
        ))
    } else {
        None
    }
}

/// Why the lock file for editing `path` could not be used, if that shows already: lets a
/// caller refuse before asking for an MFA code.
pub fn check_lock(path: &Path) -> Result<(), String> {
    let Ok(target) = resolve_symlinks(path) else {
        return Ok(()); // the edit says what is wrong
    };
    let Ok(lock_path) = lock_path(&target) else {
        return Ok(());
    };
    let (Ok(meta), Ok(dir)) = (
        fs::symlink_metadata(&lock_path),
        fs::metadata(parent_dir(&target)),
    ) else {
        return Ok(()); // no lock file yet: the edit makes one
    };
    match lock_problem(&meta, &dir) {
        Some(why) => Err(format!("its lock file {} {why}", lock_path.display())),
        None => Ok(()),
    }
}

/// The effective user id of this process.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn parent_dir(target: &Path) -> PathBuf {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Temp file beside `target` with `mode` (and `owner`, uid and gid, when given), write,
/// fsync, rename over `target`, fsync the directory.
fn replace(
    target: &Path,
    contents: &[u8],
    mode: u32,
    owner: Option<(u32, u32)>,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(target);
    DirBuilder::new().recursive(true).mode(0o700).create(&dir)?;
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;

    // Created with at most `mode` (the umask may narrow it), then set exactly, before any byte.
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .suffix(TEMP_SUFFIX)
        .permissions(Permissions::from_mode(mode & 0o777))
        .tempfile_in(&dir)?;
    // Locked while it lives, so that tidying never removes the temp file of a live writer.
    tmp.as_file().lock()?;
    if let Some((uid, gid)) = owner {
        let meta = tmp.as_file().metadata()?;
        if (meta.uid(), meta.gid()) != (uid, gid) {
            std::os::unix::fs::fchown(tmp.as_file(), Some(uid), Some(gid)).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot keep the file's owner (uid {uid}, gid {gid}): {e}"),
                )
            })?;
        }
    }
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    before_rename(tmp.path())?;
    // On any error above or here the temp file is deleted when `tmp` (or the error) drops.
    tmp.persist(target).map_err(|e| e.error)?;
    File::open(&dir)?.sync_all()
}

const TEMP_SUFFIX: &str = ".tmp";

fn temp_prefix(name: &std::ffi::OsStr) -> String {
    format!(".{}.aws-mfa-", name.to_string_lossy())
}

/// Whether a file name is one of the temporary files `write` makes.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(".aws-mfa-") && name.ends_with(TEMP_SUFFIX)
}

/// Deletes the temporary files a killed writer left beside `path` (they may hold secrets);
/// one that a live writer holds locked is left alone.
pub fn remove_leftovers(path: &Path) -> io::Result<()> {
    let target = resolve_symlinks(path)?;
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Ok(());
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = temp_prefix(name);
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(&prefix) && file_name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        remove_unless_live(&entry.path())?;
    }
    Ok(())
}

/// Deletes a temporary file of [`write`] unless its writer is alive (it holds it locked).
pub fn remove_unless_live(temp: &Path) -> io::Result<()> {
    let opened = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(temp);
    let Ok(file) = opened else {
        return Ok(()); // gone already, or no file to open
    };
    // Another user's file (in a shared directory) or no file at all: not ours to tidy.
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.uid() == euid())
    {
        return Ok(());
    }
    match file.try_lock() {
        Ok(()) => match fs::remove_file(temp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        Err(fs::TryLockError::WouldBlock) => Ok(()), // its writer is alive
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The file a path finally names: symbolic links in its last component followed, relative
/// ones from the link's directory. A dangling link yields the path it points to.
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    /// Names in `dir`, sorted: shows a leftover temp file.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_contents_and_keeps_an_existing_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
        write(&path, b"new", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), 0o640);
        assert_eq!(listing(tmp.path()), ["credentials"]);
    }

    #[test]
    fn creates_a_new_file_with_the_new_mode_and_missing_dirs_private() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("home/.aws/credentials");
        write(&path, b"[dev]\n", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"[dev]\n");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&tmp.path().join("home/.aws")), 0o700);
        assert_eq!(mode(&tmp.path().join("home")), 0o700);
    }

    #[test]
    fn the_temp_file_has_the_final_mode_before_it_is_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        let temp_mode = |path: &Path, new_mode| {
            let mut seen = None;
            write_with(path, b"secret", new_mode, |temp| {
                assert_eq!(temp.parent(), path.parent(), "in the target's directory");
                seen = Some(mode(temp));
                Ok(())
            })
            .unwrap();
            seen.unwrap()
        };
        assert_eq!(temp_mode(&path, 0o600), 0o600);
        fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
        assert_eq!(temp_mode(&path, 0o600), 0o640);
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn writes_through_a_symlink_and_keeps_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let real_dir = tmp.path().join("dotfiles");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("credentials");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, Permissions::from_mode(0o640)).unwrap();
        // A relative link to a relative link: each resolved from its own directory.
        let hop = tmp.path().join("hop");
        symlink("dotfiles/credentials", &hop).unwrap();
        let link = tmp.path().join("credentials");
        symlink("hop", &link).unwrap();

        write(&link, b"new", 0o600).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(fs::symlink_metadata(&hop).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(mode(&real), 0o640);
        assert_eq!(listing(&real_dir), ["credentials"]);
    }

    #[test]
    fn a_dangling_symlink_gets_its_target_created() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("credentials");
        symlink("store/credentials", &link).unwrap();
        write(&link, b"new", 0o600).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let real = tmp.path().join("store/credentials");
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(mode(&real), 0o600);
        assert_eq!(mode(&tmp.path().join("store")), 0o700);
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old").unwrap();
        let leftover = tmp.path().join(".credentials.aws-mfa-Ab12Cd.tmp");
        fs::write(&leftover, "secret").unwrap();
        fs::write(
            tmp.path().join(".config.aws-mfa-Ab12Cd.tmp"),
            "other file's",
        )
        .unwrap();
        fs::write(tmp.path().join("notes.tmp"), "mine").unwrap();
        remove_leftovers(&path).unwrap();
        assert_eq!(
            listing(tmp.path()),
            [".config.aws-mfa-Ab12Cd.tmp", "credentials", "notes.tmp"]
        );
        assert!(is_temp_name(".credentials.aws-mfa-Ab12Cd.tmp") && !is_temp_name("notes.tmp"));
    }

    #[test]
    fn the_temp_file_of_a_live_writer_is_not_tidied_away() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old").unwrap();
        write_with(&path, b"new", 0o600, |temp| {
            // Another writer tidies while this one is between write and rename.
            remove_leftovers(&path)?;
            assert!(temp.exists(), "a live writer's temp file was removed");
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(listing(tmp.path()), ["credentials"]);
    }

    #[test]
    fn a_hard_linked_file_is_refused_and_left_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, tmp.path().join("other")).unwrap();
        let err = write(&path, b"new", 0o600).unwrap_err();
        assert!(err.to_string().contains("2 hard links"), "{err}");
        assert_eq!(fs::read(tmp.path().join("other")).unwrap(), b"old");
        assert_eq!(fs::metadata(&path).unwrap().nlink(), 2);
    }

    #[test]
    fn a_symlink_loop_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        symlink("b", &a).unwrap();
        symlink("a", tmp.path().join("b")).unwrap();
        let err = write(&a, b"new", 0o600).unwrap_err();
        assert!(err.to_string().contains("symbolic links"), "{err}");
    }

    #[test]
    fn a_failure_before_the_rename_leaves_the_old_file_and_no_temp_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old\r\nbytes").unwrap();
        let mut temp_seen = None;
        let err = write_with(&path, b"new", 0o600, |temp| {
            assert_eq!(fs::read(temp).unwrap(), b"new", "written and synced first");
            temp_seen = Some(temp.to_path_buf());
            Err(io::Error::other("injected"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "injected");
        assert_eq!(fs::read(&path).unwrap(), b"old\r\nbytes");
        assert!(!temp_seen.unwrap().exists());
        assert_eq!(listing(tmp.path()), ["credentials"]);
    }
}
