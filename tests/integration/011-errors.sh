#!/usr/bin/env bash
# 011-errors: what goes wrong before any comparison is a clear message and exit 3 (unknown),
# with source_error in the JSON report: a config syntax error, an unknown key and a wrong type
# (file:line and key), an unreachable Eureka, a Eureka that is not ready (403), a docker socket
# that is not there. A password in a Eureka URL appears in no output of any format, in no log
# line (text or JSON), and not in `esra config show`. Needs no swarm.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

SECRET=Hunter2-s3cret
run() { # CONF ARGS...: like esra_run, and the password must not appear anywhere
  esra_run "$@"
  assert_not_contains "$ESRA_OUT$ESRA_ERR_OUT" "$SECRET" "no password in the output of: esra ${*:2}"
}

# ------------------------------------------------------------------ config errors: exit 3, file:line
printf 'eureka = {\n  timeout_ms = ;\n};\n' >"$IT_TMP/syntax.conf"
run "$IT_TMP/syntax.conf" check
assert_eq 3 "$ESRA_RC" "syntax error: exit 3"
assert_contains "$ESRA_ERR_OUT" "syntax.conf:2: syntax:" "syntax error names file:line"
printf 'eureka = {\n  timeout_ms = 10;\n  colour = "red";\n};\ndns = { port = "53"; };\n' >"$IT_TMP/keys.conf"
run "$IT_TMP/keys.conf" check --format json
assert_eq 3 "$ESRA_RC" "unknown key: exit 3"
assert_contains "$ESRA_ERR_OUT" "keys.conf:3: eureka.colour: unknown key" "unknown key names file:line and key"
assert_contains "$ESRA_ERR_OUT" "keys.conf:5: dns.port: must be an integer" "wrong type names file:line and key (every problem is listed)"
assert_eq unknown "$(json_get "$ESRA_OUT" 'j.status')" "JSON report: status unknown"
assert_eq config "$(json_get "$ESRA_OUT" "j.findings[0].kind === 'source_error' && j.findings[0].source")" "JSON report: source_error from config"
"$ESRA" config check -c "$IT_TMP/keys.conf" >/dev/null 2>&1 && fail "config check accepted a bad file"
pass "esra config check refuses it too"
run "$IT_TMP/nonexistent.conf" check
assert_eq 3 "$ESRA_RC" "missing config file: exit 3"
assert_contains "$ESRA_ERR_OUT" "nonexistent.conf" "missing file is named"

# ------------------------------------------------------------------ sources that cannot be read
cat >"$IT_TMP/dead.conf" <<CONF
eureka = { urls = [ "http://esra:$SECRET@127.0.0.1:1/eureka/" ]; timeout_ms = 1000; };
docker = { host = "unix://$IT_TMP/no-docker.sock"; timeout_ms = 1000; };
log = { level = "debug"; format = "json"; };
CONF
for fmt in text json prometheus; do
  run "$IT_TMP/dead.conf" check --format "$fmt"
  assert_eq 3 "$ESRA_RC" "unreachable sources ($fmt): exit 3"
done
run "$IT_TMP/dead.conf" check --format json
assert_eq unknown "$(json_get "$ESRA_OUT" 'j.status')" "unreachable sources: status unknown"
assert_eq "docker eureka" "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'source_error').map(f => f.source).sort().join(' ')")" \
  "a source_error for docker and one for eureka"
assert_contains "$(finding source_error source=eureka)" "http://***@127.0.0.1:1/eureka/" "the Eureka error names the URL, redacted"
assert_contains "$(finding source_error source=docker)" "no-docker.sock" "the docker error names the socket"
assert_eq false "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok || j.sources.docker.ok')" "sources marked not ok"
ESRA_EUREKA_URLS="http://esra:$SECRET@127.0.0.1:1/eureka/" run "$IT_TMP/dead.conf" config show
assert_contains "$ESRA_OUT" "***@127.0.0.1:1" "config show redacts the password"

# a Eureka server that is not ready (403) is "not ready", never an empty registry
emu_start --quiet --not-ready-ms 600000 --auth "esra:$SECRET"
cat >"$IT_TMP/notready.conf" <<CONF
eureka = { urls = [ "http://esra:$SECRET@127.0.0.1:$EMU_PORT/eureka/" ]; timeout_ms = 2000; };
docker = { host = "unix://$IT_TMP/no-docker.sock"; timeout_ms = 1000; };
log = { level = "debug"; };
CONF
run "$IT_TMP/notready.conf" check --format json
assert_eq 3 "$ESRA_RC" "Eureka 403: exit 3"
assert_contains "$(finding source_error source=eureka)" "not ready" "a 403 is reported as not ready"
assert_eq 0 "$(json_get "$ESRA_OUT" 'j.sources.eureka.instances')" "and no registry is pretended"
# wrong password: 401, a clear message without the password
sed -i "s/$SECRET@/wrong-pw@/" "$IT_TMP/notready.conf"
run "$IT_TMP/notready.conf" check --format json
assert_contains "$(finding source_error source=eureka)" "401" "wrong credentials: 401 named"
assert_not_contains "$ESRA_OUT$ESRA_ERR_OUT" "wrong-pw" "the wrong password is not printed either"

it_finish
