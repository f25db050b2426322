"""Run aws-cli's own `cloudtrail validate-logs` over objects exported by
digest's interop test, inside moto's in-process S3.

Usage: python3 awscli_validate.py SPEC.json > RESULTS.json

SPEC is a list of runs: {"objects": DIR, "bucket", "trail_arn", "start",
"end", "region", "prefix" (optional), "public_keys": FILE}. DIR holds
manifest.json, a list of {"key", "file", "metadata"}. public_keys is the JSON
`aws cloudtrail list-public-keys` prints (trailkit's KeyRing.WritePublicKeys).

Only PublicKeyProvider.get_public_keys is replaced (there is no CloudTrail
service to ask); --s3-bucket skips DescribeTrails, as aws-cli itself does.
The result is a list of {"rc", "stdout", "stderr"}.
"""
import contextlib
import io
import json
import os
import sys

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
})

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from awscli.clidriver import create_clidriver  # noqa: E402
from awscli.customizations.cloudtrail import validation  # noqa: E402

_keys = {}


def _get_public_keys(self, start_date, end_date):
    # aws-cli v1 turns off botocore's blob decoding (scalarparse.py,
    # blob_parser=identity), so ListPublicKeys' Value reaches the validator
    # as the base64 text it prints; the validator b64decodes it once. Hand
    # over exactly that: the entries of the list-public-keys JSON.
    return dict(_keys)


validation.PublicKeyProvider.get_public_keys = _get_public_keys


def run(spec, s3):
    _keys.clear()
    with open(spec["public_keys"]) as f:
        for k in json.load(f)["PublicKeyList"]:
            _keys[k["Fingerprint"]] = {
                "Fingerprint": k["Fingerprint"],
                "Value": k["Value"],
            }
    if True:
        _empty_bucket(s3, spec["bucket"])
        with open(os.path.join(spec["objects"], "manifest.json")) as f:
            manifest = json.load(f)
        for o in manifest:
            with open(os.path.join(spec["objects"], o["file"]), "rb") as f:
                body = f.read()
            s3.put_object(Bucket=spec["bucket"], Key=o["key"], Body=body,
                          Metadata=o.get("metadata") or {})
        args = ["cloudtrail", "validate-logs", "--trail-arn", spec["trail_arn"],
                "--start-time", spec["start"], "--end-time", spec["end"],
                "--s3-bucket", spec["bucket"], "--region", spec["region"],
                "--verbose"]
        if spec.get("prefix"):
            args += ["--s3-prefix", spec["prefix"]]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = create_clidriver().main(args)
        return {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}


def _empty_bucket(s3, bucket):
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=o["Key"])


def main():
    with open(sys.argv[1]) as f:
        specs = json.load(f)
    # One moto S3 for all runs, its bucket emptied before each run; a fresh
    # aws-cli driver per run (the validate-logs command keeps its counters
    # on the command object).
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        json.dump([run(s, s3) for s in specs], sys.stdout)


if __name__ == "__main__":
    main()
