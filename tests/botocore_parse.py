"""How botocore (the aws CLI) reads an INI file: the oracle of tests/botocore_oracle.rs.

Reads one file path per line on stdin and answers each with one JSON line on stdout:
  {"ok": {section: {key: value}}, "order": [[section, [key, …]], …], "own": {…}, "defaults": {…}}
    ok:       botocore.configloader.raw_config_parse(path), what the aws CLI reads (every
              section with [DEFAULT]'s keys; a value that starts with a line break as a dict);
    order:    the sections of ok and their keys, in botocore's order;
    own:      each section's own keys (configparser's raw values, [DEFAULT] not mixed in);
    defaults: the keys of [DEFAULT].
  {"error": "ExceptionType: message"} when botocore refuses the file (ConfigParseError, and
  the configparser or nested-value error it wraps).
Run with PYTHONUTF8=1, so files are read as UTF-8 whatever the locale (as on any usual system).
"""

import configparser
import json
import sys

try:
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import ConfigParseError
except ImportError as e:
    print("NOBOTOCORE " + repr(e), flush=True)
    sys.exit(3)

print("READY", flush=True)
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        ok = raw_config_parse(path)
    except ConfigParseError as e:
        inner = e.kwargs.get("error")
        answer = {"error": type(inner).__name__ + ": " + str(inner)}
    else:
        cp = configparser.RawConfigParser()
        cp.read([path])
        answer = {
            "ok": ok,
            "order": [[name, list(keys)] for name, keys in ok.items()],
            "own": {name: dict(keys) for name, keys in cp._sections.items()},
            "defaults": dict(cp._defaults),
        }
    print(json.dumps(answer), flush=True)
