//! Which proxy a request to STS goes through, by the rules of the SDK's HTTP client
//! (hyper-util's `Matcher::from_env`), so that messages can name it. It only reads the
//! environment: the client decides alone.

use std::net::IpAddr;

/// The proxy of a request: where it is, and which variable named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `host:port`, never the user and password the URL may carry.
    pub proxy: String,
    pub var: &'static str,
}

/// What the environment says about the proxy of a request to `url`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    pub route: Option<Route>,
    /// Variables that are set but hold nothing the client can use: it ignores them.
    pub ignored: Vec<&'static str>,
    /// The variable whose rules let the request bypass the proxy.
    pub bypass: Option<&'static str>,
}

pub fn lookup(url: &str) -> Lookup {
    lookup_with(url, &|name| std::env::var(name).ok())
}

pub fn lookup_with(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Lookup {
    let mut found = Lookup::default();
    // As hyper-util: under CGI, HTTP_PROXY may come from a request header (httpoxy).
    if env("REQUEST_METHOD").is_some() {
        return found;
    }
    let (scheme, host) = destination(url);
    let first = |names: [&'static str; 2]| {
        names
            .into_iter()
            .find_map(|name| env(name).map(|value| (name, value)))
    };
    let mut pick = |names| {
        let (var, value) = first(names)?;
        let proxy = proxy_address(&value);
        if proxy.is_none() {
            found.ignored.push(var);
        }
        proxy.map(|proxy| Route { proxy, var })
    };
    let specific = match scheme {
        "http" => pick(["HTTP_PROXY", "http_proxy"]),
        _ => pick(["HTTPS_PROXY", "https_proxy"]),
    };
    let route = specific.or_else(|| pick(["ALL_PROXY", "all_proxy"]));
    let Some(route) = route else {
        return found;
    };
    if let Some((var, rules)) = first(["NO_PROXY", "no_proxy"])
        && bypasses(&rules, host)
    {
        found.bypass = Some(var);
        return found;
    }
    found.route = Some(route);
    found
}

/// The scheme and host of a URL, or `https` and the text itself for a bare host.
fn destination(url: &str) -> (&str, &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    (scheme, host)
}

/// `host:port` of a proxy URL as hyper-util takes it (no scheme means http; other schemes
/// than http, https and socks are not used), or None when it cannot be used.
fn proxy_address(value: &str) -> Option<String> {
    let (scheme, rest) = match value.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("http".to_string(), value),
    };
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        "socks4" | "socks4a" | "socks5" | "socks5h" => 1080,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    // The last '@' ends the user and password, whatever they hold: none of it is shown.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let has_port = match host_port.rfind(']') {
        Some(end) => host_port[end..].contains(':'),
        None => host_port.contains(':'),
    };
    if host_port.is_empty()
        || host_port
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(if has_port {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    })
}

/// Whether NO_PROXY's `rules` let a request to `host` bypass the proxy: `*`, a domain (and
/// its subdomains, with or without a leading dot), an address, or a network.
fn bypasses(rules: &str, host: &str) -> bool {
    let address = host.parse::<IpAddr>().ok();
    rules
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .any(
            |rule| match (address, network(rule), rule.parse::<IpAddr>()) {
                (Some(ip), Some((net, bits)), _) => in_network(ip, net, bits),
                (Some(ip), None, Ok(rule_ip)) => ip == rule_ip,
                (None, None, Err(_)) => rule == "*" || domain_matches(rule, host),
                _ => false,
            },
        )
}

fn network(rule: &str) -> Option<(IpAddr, u32)> {
    let (address, bits) = rule.split_once('/')?;
    let address: IpAddr = address.parse().ok()?;
    let bits: u32 = bits.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((address, bits))
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    let prefix = |value: u128, width: u32| {
        if bits == 0 {
            0
        } else {
            value >> (width - bits)
        }
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            prefix(u32::from(a).into(), 32) == prefix(u32::from(b).into(), 32)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => prefix(a.into(), 128) == prefix(b.into(), 128),
        _ => false,
    }
}

/// hyper-util's (and curl's) rule: `example.com` and `.example.com` match example.com and
/// every name under it.
fn domain_matches(rule: &str, host: &str) -> bool {
    let rule = rule.strip_prefix('.').unwrap_or(rule);
    host.eq_ignore_ascii_case(rule)
        || host.len() > rule.len()
            && host.is_char_boundary(host.len() - rule.len())
            && host[host.len() - rule.len()..].eq_ignore_ascii_case(rule)
            && host.as_bytes()[host.len() - rule.len() - 1] == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(url: &str, vars: &[(&str, &str)]) -> Lookup {
        lookup_with(url, &|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    fn route(proxy: &str, var: &'static str) -> Option<Route> {
        Some(Route {
            proxy: proxy.into(),
            var,
        })
    }

    const STS: &str = "https://sts.eu-west-1.amazonaws.com";

    #[test]
    fn the_proxy_is_named_by_host_and_port_only() {
        let cases = [
            ("http://user:pass@proxy.corp:3128", "proxy.corp:3128"),
            ("http://us%40er:p@ss@proxy.corp:3128/", "proxy.corp:3128"),
            ("proxy.corp:8080", "proxy.corp:8080"),
            ("http://proxy.corp", "proxy.corp:80"),
            ("https://proxy.corp", "proxy.corp:443"),
            ("socks5h://u:p@127.0.0.1", "127.0.0.1:1080"),
            ("http://[::1]:3128", "[::1]:3128"),
            ("http://[::1]", "[::1]:80"),
            ("HTTP://proxy.corp:1", "proxy.corp:1"),
        ];
        for (value, shown) in cases {
            let found = look(STS, &[("HTTPS_PROXY", value)]);
            assert_eq!(found.route, route(shown, "HTTPS_PROXY"), "{value}");
        }
    }

    #[test]
    fn the_variables_are_taken_as_the_client_takes_them() {
        assert_eq!(look(STS, &[]), Lookup::default());
        // https: HTTPS_PROXY, then https_proxy, then ALL_PROXY; HTTP_PROXY is for http.
        let found = look(STS, &[("HTTP_PROXY", "h:1"), ("https_proxy", "s:2")]);
        assert_eq!(found.route, route("s:2", "https_proxy"));
        let found = look(STS, &[("HTTP_PROXY", "h:1")]);
        assert_eq!(found.route, None);
        let found = look("http://127.0.0.1:5000", &[("HTTP_PROXY", "h:1")]);
        assert_eq!(found.route, route("h:1", "HTTP_PROXY"));
        let found = look(STS, &[("all_proxy", "a:3")]);
        assert_eq!(found.route, route("a:3", "all_proxy"));
        // A value the client cannot use is ignored, and ALL_PROXY is taken instead.
        let found = look(STS, &[("HTTPS_PROXY", "ftp://x:1"), ("ALL_PROXY", "a:3")]);
        assert_eq!(found.route, route("a:3", "ALL_PROXY"));
        assert_eq!(found.ignored, ["HTTPS_PROXY"]);
        let found = look(STS, &[("HTTPS_PROXY", "")]);
        assert_eq!((found.route, found.ignored), (None, vec!["HTTPS_PROXY"]));
        // Under CGI, none.
        let found = look(STS, &[("HTTPS_PROXY", "p:1"), ("REQUEST_METHOD", "GET")]);
        assert_eq!(found, Lookup::default());
    }

    #[test]
    fn no_proxy_is_matched_as_the_client_matches_it() {
        let bypassed = |url: &str, rules: &str| {
            let found = look(url, &[("HTTPS_PROXY", "p:1"), ("NO_PROXY", rules)]);
            assert_eq!(
                found.bypass.is_some(),
                found.route.is_none(),
                "{url} {rules}"
            );
            found.bypass.is_some()
        };
        assert!(bypassed(STS, "*"));
        assert!(bypassed(STS, "amazonaws.com"));
        assert!(bypassed(STS, "localhost, .amazonaws.com"));
        assert!(bypassed(STS, "STS.eu-west-1.amazonaws.com"));
        assert!(!bypassed(STS, "zonaws.com"));
        assert!(!bypassed(STS, "localhost,127.0.0.1"));
        assert!(!bypassed(STS, ""));
        assert!(bypassed("https://127.0.0.1:8443", "127.0.0.1"));
        assert!(bypassed("https://10.1.2.3", "10.0.0.0/8"));
        assert!(!bypassed("https://11.1.2.3", "10.0.0.0/8"));
        assert!(bypassed("https://10.1.2.3", "0.0.0.0/0"));
        assert!(bypassed("https://[::1]:8443", "::1"));
        assert!(bypassed("https://[fd00::5]", "fd00::/8"));
        assert!(!bypassed("https://[fe00::5]", "fd00::/8"));
        // lowercase no_proxy too.
        let found = look(STS, &[("HTTPS_PROXY", "p:1"), ("no_proxy", "*")]);
        assert_eq!(found.bypass, Some("no_proxy"));
    }
}
