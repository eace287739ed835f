#!/bin/bash
# The cgroup column on the screen: shortened to the container id or the
# systemd unit (the fixture tree's processes live in a docker container, a
# session scope, init.scope and the root), while JSON keeps the whole path.
. "$(dirname "$0")/ui_common.sh"

tree=${TESTS_SRCDIR:-$(dirname "$0")}/fixtures/proc-seq
cfg="$XDG_CONFIG_HOME/pidtop"
mkdir -p "$cfg"
printf 'columns=pid,cgroup,cmdline\nsort=pid\n' >"$cfg/pidtoprc"
ui_session 160 30
ui_start_pidtop -d 0.5 --proc-root="$tree/1"
ui_wait_for "CGROUP" 10
ui_wait_for "0123456789ab" 5
screen=$(ui_screen)
grep -q "init.scope" <<<"$screen" || ui_fail "init's cgroup is not shown as init.scope"
grep -q "session-2.scope" <<<"$screen" || ui_fail "the session's cgroup is not shown as its scope"
if grep -q "docker-0123" <<<"$screen" || grep -q "system.slice" <<<"$screen"; then
	ui_fail "the container's cgroup path is shown whole on the screen"
fi
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
json=$(PIDTOP_FIXTURE_SEQUENCE=1 "$PIDTOP" --proc-root="$tree" -b -o json -n 1 -d 0.01)
grep -q '"cgroup":"/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope"' <<<"$json" ||
	ui_fail "JSON does not keep the whole cgroup path"
echo "PASS: cgroup column shortened on the screen, whole in JSON"
