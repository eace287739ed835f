#!/bin/bash
# pidtop --listen --web-config (issue 11): basic auth with a bcrypt hash
# (no or wrong credentials 401, right ones 200) over TLS with a
# certificate made here with openssl (plain HTTP is refused on that port,
# the certificate is the one served); malformed configurations are a
# one-line error and exit status 2.
. "$(dirname "$0")/exporter_common.sh"

command -v openssl >/dev/null || integ_skip "openssl is needed (apt-get install openssl)"
D=$SCRATCH
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$D/key.pem" -out "$D/cert.pem" 2>"$D/openssl.err" ||
	{ cat "$D/openssl.err"; integ_hard_error "openssl could not make a test certificate"; }
HASH=$("$PYTHON" -W ignore -c 'import crypt; print(crypt.crypt("s3cret pass", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' 2>/dev/null)
if [ -z "$HASH" ] && command -v htpasswd >/dev/null; then
	HASH=$(htpasswd -nbB -C 4 u "s3cret pass" | cut -d: -f2)
fi
case "$HASH" in '$2'*) ;; *) integ_skip "no way to make a bcrypt hash (python3 crypt or htpasswd)" ;; esac

# malformed configurations: one line, exit 2
bad() { # NAME CONTENT
	printf '%s\n' "$2" >"$D/bad.yml"
	local status=0
	"$PIDTOP" --listen=127.0.0.1:1 --web-config="$D/bad.yml" >"$D/bad.out" 2>"$D/bad.err" || status=$?
	if [ "$status" -ne 2 ] || [ "$(wc -l <"$D/bad.err")" -ne 1 ] || ! grep -q '^pidtop: ' "$D/bad.err"; then
		echo "FAIL: $1: exit $status, stderr:"
		cat "$D/bad.err"
		exit 1
	fi
	echo "ok: $1: $(cat "$D/bad.err")"
}
bad "not YAML" 'basic_auth_users: [a: b'
bad "unknown key" 'http_server_config: {http2: true}'
bad "not bcrypt" 'basic_auth_users: {u: plaintext}'
bad "missing key file" "tls_server_config: {cert_file: $D/cert.pem}"
bad "no such file" "tls_server_config: {cert_file: $D/nope.pem, key_file: $D/key.pem}"
bad "empty" ''

# relative paths are taken from the configuration's directory
cat >"$D/web.yml" <<EOC
tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
basic_auth_users:
  u: '$HASH'
EOC
PORT=$(exp_free_port)
URL="https://127.0.0.1:$PORT"
EXP_SCHEME=https exp_start "$PORT" -d 0.5 --no-net \
	--web-config="$D/web.yml"
code() { curl -s -o /dev/null -w '%{http_code}' --cacert "$D/cert.pem" "$@"; }
c=$(code "$URL/metrics")
[ "$c" = 401 ] || { echo "FAIL: no credentials: $c, not 401"; exit 1; }
c=$(code -u "u:wrong" "$URL/metrics")
[ "$c" = 401 ] || { echo "FAIL: wrong password: $c, not 401"; exit 1; }
c=$(code -u "nobody:s3cret pass" "$URL/metrics")
[ "$c" = 401 ] || { echo "FAIL: unknown user: $c, not 401"; exit 1; }
curl -s -D - -o /dev/null --cacert "$D/cert.pem" "$URL/metrics" | grep -qi '^www-authenticate: basic' ||
	{ echo "FAIL: a 401 without WWW-Authenticate: Basic"; exit 1; }
c=$(code -u "u:s3cret pass" "$URL/metrics")
[ "$c" = 200 ] || { echo "FAIL: right credentials: $c, not 200"; exit 1; }
curl -sf --cacert "$D/cert.pem" -u "u:s3cret pass" "$URL/metrics" | grep -q '^pidtop_build_info' ||
	{ echo "FAIL: no metrics over TLS"; exit 1; }
# plain HTTP on the TLS port is not served
if curl -sf -m 3 -o /dev/null "http://127.0.0.1:$PORT/metrics"; then
	echo "FAIL: plain HTTP was served on the TLS port"
	exit 1
fi
# the served certificate is the one made here
echo | openssl s_client -connect "127.0.0.1:$PORT" 2>/dev/null | openssl x509 -noout -fingerprint -sha256 >"$D/served.fp"
openssl x509 -in "$D/cert.pem" -noout -fingerprint -sha256 >"$D/made.fp"
cmp -s "$D/served.fp" "$D/made.fp" || { echo "FAIL: another certificate was served"; exit 1; }
echo "ok: TLS with the test certificate, basic auth 401/401/401/200"
exp_stop
