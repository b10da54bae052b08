"""Test stand-in for a registry token server and ACR's OAuth2 endpoints (not a real ACR).

Usage: token_server.py PORT_FILE LOG_FILE CERT ISSUER SERVICE USER PASSWORD ENTRA_TOKEN

Makes a fresh RSA key and self-signed certificate, writes the certificate to CERT (the
registry's rootcertbundle) before it writes PORT_FILE.

- GET  /oauth2/token?service=&scope=   Docker token auth; Basic USER:PASSWORD gets the scope's
                                       actions, anonymous gets none, wrong credentials get 401.
- POST /oauth2/exchange                ACR: grant_type=access_token with ENTRA_TOKEN -> refresh_token
- POST /oauth2/token                   ACR: grant_type=refresh_token with a known refresh token
Tokens are RS256 JWTs with the signing certificate in x5c, as distribution's token auth expects.
Every request is logged as one line "METHOD PATH grant=<grant_type> auth=<scheme>".
The refresh token "docker-identity-token" is always valid (Docker config `identitytoken`).
"""
import base64, datetime, json, os, secrets, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

port_file, log_file, cert_path, issuer, service, user, password, entra = sys.argv[1:9]
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "token")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
with open(cert_path, "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
refresh_tokens = {"docker-identity-token"}

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def jwt(sub, scope, granted):
    access = []
    if scope and granted:
        typ, name, actions = scope.split(":", 2)
        access = [{"type": typ, "name": name, "actions": actions.split(",")}]
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
    claims = {"iss": issuer, "aud": service, "sub": sub, "exp": now + 300, "nbf": now - 10,
              "iat": now, "jti": secrets.token_hex(8), "access": access}
    signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing + "." + b64url(sig)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log(self, grant):
        auth = self.headers.get("Authorization", "none").split(" ")[0]
        with open(log_file, "a") as f:
            f.write(f"{self.command} {urllib.parse.urlsplit(self.path).path} grant={grant} auth={auth}\n")

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self.log("none")
        scope = q.get("scope", [""])[0]
        auth = self.headers.get("Authorization")
        if auth is None:
            return self.reply(200, {"token": jwt("anonymous", scope, False), "expires_in": 300})
        if not auth.startswith("Basic "):
            return self.reply(401, {"error": "unsupported auth"})
        u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
        if (u, p) != (user, password):
            return self.reply(401, {"error": "bad credentials"})
        tok = jwt(u, scope, True)
        self.reply(200, {"token": tok, "access_token": tok, "expires_in": 300})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        grant = form.get("grant_type", [""])[0]
        self.log(grant)
        path = urllib.parse.urlsplit(self.path).path
        if self.headers.get("Authorization"):
            return self.reply(400, {"error": "ACR flow must not send Authorization"})
        if path == "/oauth2/exchange" and grant == "access_token":
            if form.get("access_token", [""])[0] != entra or form.get("service", [""])[0] != service:
                return self.reply(401, {"error": "bad entra token"})
            rt = "rt-" + secrets.token_hex(8)
            refresh_tokens.add(rt)
            return self.reply(200, {"refresh_token": rt})
        if path == "/oauth2/token" and grant == "refresh_token":
            if form.get("refresh_token", [""])[0] not in refresh_tokens:
                return self.reply(401, {"error": "bad refresh token"})
            return self.reply(200, {"access_token": jwt("acr-user", form.get("scope", [""])[0], True)})
        self.reply(400, {"error": "unsupported"})

srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
