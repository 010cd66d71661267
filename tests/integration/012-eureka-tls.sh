#!/usr/bin/env bash
# 012-eureka-tls: esra against the Eureka emulator behind TLS (node's https module), with
# certificates made here by openssl. A self-signed certificate for another name (trusted or
# not) is a source_error naming the reason, and the emulator gets no request from esra: the
# URL's password never left it. eureka.ca_file makes a certificate from that CA accepted (and
# only then is the request, credentials included, sent). Mutual TLS: without
# eureka.cert_file/key_file the emulator refuses, with them esra reads. eureka.tls_verify =
# false reads even the impostor and says so in the text report, the JSON report and the log.
# A CA file that is not there is a config error naming the key. Needs no swarm (the docker
# socket is absent: that is its own source_error, and exit 3 throughout).
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

SECRET=Tls-s3cret-pw
P=$IT_TMP/pki
mkdir -p "$P"
(
  cd "$P"
  K=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${K[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=esra-it-ca
  openssl req "${K[@]}" -keyout server.key -out server.csr -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 2 -extfile server.ext
  openssl req -x509 "${K[@]}" -keyout other.key -out other.pem -days 2 \
    -subj /CN=eureka.other.example -addext subjectAltName=DNS:eureka.other.example
  openssl req "${K[@]}" -keyout client.key -out client.csr -subj /CN=esra
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem \
    -days 2 -extfile client.ext
) >/dev/null 2>&1 || fail "openssl could not make the test certificates"

conf() { # FILE PORT [eureka settings...]: the emulator at PORT over https, no docker
  local f=$1 port=$2
  shift 2
  {
    echo "eureka = { urls = [ \"https://esra:$SECRET@127.0.0.1:$port/eureka/\" ];"
    echo "  timeout_ms = 3000;"
    printf '  %s\n' "$@"
    echo "};"
    echo "docker = { host = \"unix://$IT_TMP/no-docker.sock\"; timeout_ms = 1000; };"
    echo "log = { level = \"info\"; };"
  } >"$f"
}
run() { # CONF ARGS...: esra_run, and the password appears nowhere
  esra_run "$@"
  assert_not_contains "$ESRA_OUT$ESRA_ERR_OUT" "$SECRET" "no password in the output of: esra ${*:2}"
}
esra_reqs() { # how many requests from esra the emulator has received
  emu_ctl GET requests | json_get - "j.requests.filter(r => /^esra\\//.test(r.headers['user-agent'] || '')).length"
}
connections() { emu_ctl GET info | json_get - 'j.connections'; }
eureka_error() { json_get "$(finding source_error source=eureka)" 'j.message'; }
refused() { # CONF REASON WHAT: esra check is refused in TLS; the emulator saw a connection, no request
  local c0
  c0=$(connections)
  run "$1" check --format json
  assert_eq 3 "$ESRA_RC" "$3: exit 3"
  assert_eq false "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok')" "$3: Eureka not read"
  assert_contains "$(eureka_error)" "$2" "$3: the source_error names the reason"
  assert_eq 0 "$(esra_reqs)" "$3: the emulator received no request from esra (no credential sent)"
  # each emu_ctl is a connection of its own (two since c0): any more were esra's
  [ "$(connections)" -gt $((c0 + 2)) ] || fail "$3: the emulator saw no connection from esra"
  pass "$3: esra did reach the emulator"
}
read_ok() { # CONF WHAT: esra check reads the one instance
  run "$1" check --format json
  assert_eq true "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok')" "$2: Eureka read"
  assert_eq 1 "$(json_get "$ESRA_OUT" 'j.sources.eureka.instances')" "$2: its instance"
}
basic=$(printf 'esra:%s' "$SECRET" | base64)
last_auth() { # the Authorization header of esra's last request
  emu_ctl GET requests | json_get - "j.requests.filter(r => /^esra\\//.test(r.headers['user-agent'] || '')).pop().headers.authorization"
}

# ------------------------------------------------------------------ an impostor: self-signed, another name
EMU_CURL_TLS=--insecure emu_start --quiet --auth "esra:$SECRET" --tls-cert "$P/other.pem" --tls-key "$P/other.key"
register_stale BILLING b1 10.0.9.5 0
conf "$IT_TMP/impostor.conf" "$EMU_PORT"
refused "$IT_TMP/impostor.conf" \
  "TLS: the server's certificate is not trusted: SSL certificate problem: self-signed certificate" \
  "self-signed certificate, system CA store"
conf "$IT_TMP/impostor-ca.conf" "$EMU_PORT" "ca_file = \"$P/other.pem\";"
refused "$IT_TMP/impostor-ca.conf" \
  "SSL: no alternative certificate subject name matches target host name '127.0.0.1'" \
  "its certificate trusted as a CA, but for another name"
run "$IT_TMP/impostor.conf" check
assert_contains "$ESRA_OUT" "FAILED: eureka: GET https://***@127.0.0.1:$EMU_PORT/eureka/apps: TLS:" \
  "the text report says the Eureka source failed in TLS"
assert_not_contains "$ESRA_OUT$ESRA_ERR_OUT" "tls_verify is false" "verified: no warning"

# tls_verify = false reads it, and says so everywhere
conf "$IT_TMP/noverify.conf" "$EMU_PORT" "tls_verify = false;"
read_ok "$IT_TMP/noverify.conf" "tls_verify = false"
assert_contains "$(json_get "$ESRA_OUT" 'j.warnings[0]')" \
  "eureka.tls_verify is false: the Eureka servers' certificates are not verified" "JSON report: the warning"
assert_contains "$ESRA_ERR_OUT" "eureka.tls_verify is false: the Eureka servers' certificates are not verified" \
  "the log: the warning"
run "$IT_TMP/noverify.conf" check
assert_contains "$ESRA_OUT" "warning: eureka.tls_verify is false: the Eureka servers'" "text report: the warning"
assert_eq "Basic $basic" "$(last_auth)" "unverified, the credentials do go out (what the warning is about)"

# ------------------------------------------------------------------ the real server: a certificate from our CA
EMU_CURL_TLS="--cacert $P/ca.pem" emu_start --quiet --auth "esra:$SECRET" --tls-cert "$P/server.pem" --tls-key "$P/server.key"
register_stale BILLING b1 10.0.9.5 0
conf "$IT_TMP/system.conf" "$EMU_PORT"
refused "$IT_TMP/system.conf" "SSL certificate problem: unable to get local issuer certificate" \
  "our CA is not in the system store"
conf "$IT_TMP/ca.conf" "$EMU_PORT" "ca_file = \"$P/ca.pem\";"
read_ok "$IT_TMP/ca.conf" "eureka.ca_file"
assert_eq "Basic $basic" "$(last_auth)" "verified, the request carries the URL's credentials"
assert_not_contains "$ESRA_OUT$ESRA_ERR_OUT" "tls_verify is false" "verified: no warning"

# ------------------------------------------------------------------ mutual TLS
EMU_CURL_TLS="--cacert $P/ca.pem --cert $P/client.pem --key $P/client.key" \
  emu_start --quiet --auth "esra:$SECRET" --tls-cert "$P/server.pem" --tls-key "$P/server.key" --tls-ca "$P/ca.pem"
register_stale BILLING b1 10.0.9.5 0
conf "$IT_TMP/nocert.conf" "$EMU_PORT" "ca_file = \"$P/ca.pem\";"
run "$IT_TMP/nocert.conf" check --format json
assert_eq false "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok')" "mutual TLS without a client certificate: refused"
log "without a client certificate: $(eureka_error)"
assert_contains "$(eureka_error)" "certificate required" "the source_error says a certificate is required"
conf "$IT_TMP/mtls.conf" "$EMU_PORT" "ca_file = \"$P/ca.pem\";" \
  "cert_file = \"$P/client.pem\";" "key_file = \"$P/client.key\";"
read_ok "$IT_TMP/mtls.conf" "mutual TLS with eureka.cert_file + key_file"

# ------------------------------------------------------------------ a CA file that is not there
conf "$IT_TMP/missing.conf" "$EMU_PORT" "ca_file = \"$P/none.pem\";"
run "$IT_TMP/missing.conf" config check
assert_eq 3 "$ESRA_RC" "a missing eureka.ca_file: exit 3"
assert_contains "$ESRA_ERR_OUT" "eureka.ca_file: \"$P/none.pem\" cannot be read" "the error names the key and the file"

it_finish
