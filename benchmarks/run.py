"""Run every benchmark in this folder and print one JSON object {script: its figures}."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    results = {}
    for script in sorted(HERE.glob("*.py")):
        if script.name in ("run.py", "lean_app.py"):  # lean_app: the reference http_pages serves
            continue
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=HERE.parent
        )
        if done.returncode:
            results[script.stem] = {"error": done.stderr.strip().splitlines()[-1:]}
        else:
            results[script.stem] = json.loads(done.stdout)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
