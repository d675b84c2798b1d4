"""Two older tools emulated from their READMEs, for tests/old_tools.rs (issue 11): neither
is on PyPI, so their documented file effects are reproduced here, calling STS through
boto3 (which honours AWS_ENDPOINT_URL) as the real ones call it.

  aws-get-token -u USER -m CODE   cdodd's aws-2fa-access-keys: keys and region in a bare
                                  [my-keys] of ~/.aws/config; the device is
                                  arn:aws:iam::<aws_account_id>:mfa/USER; writes [default]
                                  of ~/.aws/config and [Credentials] of ~/.boto.
  pmfa PROFILE                    the awsmfa `[{profile}mfa]` convention: keys and
                                  mfa_serial in [PROFILEmfa] of ~/.aws/credentials; asks
                                  for the code; writes [PROFILE] there.

What the READMEs leave open is chosen to change the least: a section is edited in place
(every other byte kept), neither records an expiration (neither README shows one), and
both always call STS (neither README says it checks what is there).
"""

import argparse
import configparser
import os
import sys

import boto3

HOME = os.path.expanduser("~")
# aws-get-token's `aws_account_id`, which its README says to edit into the script.
AWS_ACCOUNT_ID = "123456789012"


def set_section(path, name, entries):
    """[name] of the file at path holds exactly `entries`, edited in place; a new section
    is appended after a blank line. The file is created when missing."""
    try:
        with open(path) as f:
            lines = f.read().splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    body = ["%s = %s\n" % entry for entry in entries]
    start = next((i for i, l in enumerate(lines) if l.strip() == "[%s]" % name), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        if lines and lines[-1].strip():
            lines.append("\n")
        lines += ["[%s]\n" % name] + body
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        # The blank lines before the next section stay where they are.
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[start + 1 : end] = body
    with open(path, "w") as f:
        f.write("".join(lines))


def aws_get_token(argv):
    parser = argparse.ArgumentParser(prog="aws-get-token")
    parser.add_argument("-u", dest="user", required=True)
    parser.add_argument("-m", dest="code", required=True)
    args = parser.parse_args(argv)
    config_path = os.path.join(HOME, ".aws", "config")
    config = configparser.RawConfigParser()
    config.read(config_path)
    keys = config["my-keys"]
    print("Parsing the ~/.aws/config file...                     [OK]")
    sts = boto3.client(
        "sts",
        region_name=keys["region"],
        aws_access_key_id=keys["aws_access_key_id"],
        aws_secret_access_key=keys["aws_secret_access_key"],
    )
    creds = sts.get_session_token(
        SerialNumber="arn:aws:iam::%s:mfa/%s" % (AWS_ACCOUNT_ID, args.user),
        TokenCode=args.code,
    )["Credentials"]
    print("Getting session token from AWS...                     [OK]")
    set_section(
        config_path,
        "default",
        [
            ("region", keys["region"]),
            ("aws_access_key_id", creds["AccessKeyId"]),
            ("aws_secret_access_key", creds["SecretAccessKey"]),
            ("aws_session_token", creds["SessionToken"]),
        ],
    )
    print("Updating the ~/.aws/config file...                    [OK]")
    set_section(
        os.path.join(HOME, ".boto"),
        "Credentials",
        [
            ("aws_access_key_id", creds["AccessKeyId"]),
            ("aws_secret_access_key", creds["SecretAccessKey"]),
            # boto 2's name for the session token.
            ("aws_security_token", creds["SessionToken"]),
        ],
    )
    print("Creating/updating the ~/.boto config file...          [OK]")


def pmfa(argv):
    (profile,) = argv
    path = os.path.join(HOME, ".aws", "credentials")
    credentials = configparser.RawConfigParser()
    credentials.read(path)
    source = credentials[profile + "mfa"]
    code = input("MFA code: ")
    sts = boto3.client(
        "sts",
        aws_access_key_id=source["aws_access_key_id"],
        aws_secret_access_key=source["aws_secret_access_key"],
    )
    creds = sts.get_session_token(SerialNumber=source["mfa_serial"], TokenCode=code)[
        "Credentials"
    ]
    set_section(
        path,
        profile,
        [
            ("aws_access_key_id", creds["AccessKeyId"]),
            ("aws_secret_access_key", creds["SecretAccessKey"]),
            ("aws_session_token", creds["SessionToken"]),
        ],
    )
    print("wrote [%s]" % profile)


if __name__ == "__main__":
    {"aws-get-token": aws_get_token, "pmfa": pmfa}[sys.argv[1]](sys.argv[2:])
