"""The seed design the webhook gateway replaces, kept only as a benchmark baseline.

A Flask server that, per webhook: checks an HMAC of the body (the same
Standard Webhooks signature GitLab sends), parses the JSON, and runs
`kubectl create job` for the pushed commit. Run by bench/run.ts; listens on
127.0.0.1 only.

Environment: SEED_PORT, SEED_SIGNING_TOKEN (whsec_...), SEED_KUBECTL,
SEED_KUBECONFIG, SEED_NAMESPACE.
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess

from flask import Flask, request

app = Flask(__name__)
KEY = base64.b64decode(os.environ["SEED_SIGNING_TOKEN"].removeprefix("whsec_"))
KUBECTL = os.environ["SEED_KUBECTL"]
KUBECONFIG = os.environ["SEED_KUBECONFIG"]
NAMESPACE = os.environ["SEED_NAMESPACE"]


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/webhook")
def webhook():
    body = request.get_data()
    msg_id = request.headers.get("webhook-id", "")
    timestamp = request.headers.get("webhook-timestamp", "")
    expected = base64.b64encode(hmac.new(KEY, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    signatures = [s.split(",", 1)[1] for s in request.headers.get("webhook-signature", "").split() if s.startswith("v1,")]
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        return {"status": "rejected"}, 401
    event = json.loads(body)
    sha = event["checkout_sha"]
    result = subprocess.run(
        [KUBECTL, "--kubeconfig", KUBECONFIG, "-n", NAMESPACE, "create", "job", f"seed-{sha[:16]}", "--image=busybox:1.36", "--", "true"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return {"status": "error", "stderr": result.stderr[-300:]}, 500
    return {"status": "accepted", "job": f"seed-{sha[:16]}"}, 202


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["SEED_PORT"]), threaded=True)
