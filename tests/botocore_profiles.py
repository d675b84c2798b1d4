"""Every profile of a config and credentials pair as botocore (the aws CLI) resolves it: the
oracle of tests/botocore_profiles.rs.

Reads one JSON line per pair on stdin, {"config": PATH, "credentials": PATH, "keys": [KEY, …]},
and answers each with one JSON line on stdout:
  {"profiles": {name: {key: value}}}  every profile of botocore's Session.full_config (the
      config file's profiles with the credentials file's sections merged over them, as the
      aws CLI sees them), with the asked keys it has; a nested value is {"nested": …};
  {"error": "ExceptionType: message"}  when botocore refuses either file.
Run with PYTHONUTF8=1, so files are read as UTF-8 whatever the locale.
"""

import json
import sys

try:
    import botocore.session
    from botocore.exceptions import ConfigParseError
except ImportError as e:
    print("NOBOTOCORE " + repr(e), flush=True)
    sys.exit(3)

print("READY", flush=True)
# One session (making one costs about 20 ms), its parsed files forgotten before each pair.
session = botocore.session.Session()
for line in sys.stdin:
    case = json.loads(line)
    session._config = None
    session.set_config_variable("config_file", case["config"])
    session.set_config_variable("credentials_file", case["credentials"])
    try:
        profiles = session.full_config["profiles"]
    except ConfigParseError as e:
        inner = e.kwargs.get("error")
        answer = {"error": type(inner).__name__ + ": " + str(inner)}
    else:
        answer = {
            "profiles": {
                name: {
                    key: ({"nested": value} if isinstance(value, dict) else value)
                    for key, value in values.items()
                    if key in case["keys"]
                }
                for name, values in profiles.items()
            }
        }
    print(json.dumps(answer), flush=True)
