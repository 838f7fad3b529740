"""pip-audit over requirements.lock, where the registry answers its vulnerability API.

Fails on a known vulnerability unless .ci/audit-accepted lists its id with the reason it is
accepted; says so and passes when the registry gives no vulnerability data (this workplace's
PyPI mirror answers the package index only)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def accepted():
    path = ROOT / ".ci" / "audit-accepted"
    lines = path.read_text().splitlines() if path.exists() else []
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


def main(pip_audit):
    done = subprocess.run(
        [pip_audit, "-r", str(ROOT / "requirements.lock"), "--require-hashes", "--disable-pip"]
        + ["--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(f"pip-audit did not run: {done.stderr.strip()[-300:]}")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        print(f"pip-audit: the registry gave no vulnerability data for {len(dependencies)} pins")
        return 0
    found = [
        (d["name"], d["version"], v["id"], v.get("fix_versions", []))
        for d in audited
        for v in d.get("vulns", [])
        if v["id"] not in accepted()
    ]
    for name, version, vuln, fixes in found:
        print(f"{name} {version}: {vuln} (fixed in {', '.join(fixes) or '—'})")
    print(f"pip-audit: {len(audited)} pins audited, {len(found)} unaccepted vulnerabilities")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "pip-audit"))
