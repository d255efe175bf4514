#!/usr/bin/env bash
# scripts/test.sh runs every test of jianfu: go vet, the tests on SQLite and on PostgreSQL, the
# browser tests, and a short run of each fuzz target. It is the one test command; CI runs it too
# (.ci/run), so a green run here means a green run there.
#
#   scripts/test.sh                             # everything
#   scripts/test.sh ./internal/org/             # vet and test these packages, fuzz their targets
#   scripts/test.sh -run TestBrowser ./internal/webtest/
#                                               # with go test flags: a focused run, no fuzzing
#
# It first makes sure of what the tests need, installing it with apt-get when missing, and is
# safe to run again: Go on PATH, PostgreSQL on 127.0.0.1:5432 (JIANFU_TEST_PG), and a headless
# Chromium with CJK fonts (JIANFU_CHROME). Without PostgreSQL or Chromium the tests skip their
# halves that need them, except with CI=true, where a missing one stops the run.
#
# Environment: CI=true makes missing services fatal; JIANFU_TEST_PG points at another server
# (then nothing is started or installed for it); JIANFU_CHROME names the browser;
# JIANFU_SKIP_FUZZ=1 skips the fuzz phase; JIANFU_FUZZTIME overrides -fuzztime (default 10s).
set -euo pipefail

# Run from the repository root, wherever we are called from: go test ./... means the whole repo.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'test.sh: %s\n' "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }
ci() { [[ "${CI:-}" == true ]]; }
# required reports a missing prerequisite: fatal in CI, a warning elsewhere, so that a developer
# without root can still run the tests that do not need it.
required() {
	if ci; then die "$* (required under CI=true)"; fi
	say "WARNING: $*; the tests that need it will be skipped"
}

# Root runs apt-get directly; others need passwordless sudo (no stdin in CI, so never prompt).
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo -n); fi
apt_updated=''
apt_install() {
	command -v apt-get >/dev/null || { say "no apt-get here; cannot install $*"; return 1; }
	if [[ -z $apt_updated ]]; then
		# Only when installing: a fresh machine has no package lists, and update is slow.
		say "apt-get update"
		"${SUDO[@]}" apt-get -q update || return 1
		apt_updated=1
	fi
	say "apt-get install $*"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
		-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 install "$@"
}

# --- Go ----------------------------------------------------------------------------------------
# Go lives in /usr/local/go on every machine, but a non-login shell (CI, sudo) may lack it on PATH.
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
say "$(go version)"

# --- PostgreSQL --------------------------------------------------------------------------------
pg_ready() {
	if command -v pg_isready >/dev/null; then
		pg_isready -q -d "$JIANFU_TEST_PG"
	else
		(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null # no client yet: is anything listening?
	fi
}

# pg_wait waits up to 30 s: a server that was just started needs a moment to accept connections.
pg_wait() {
	local i
	for ((i = 0; i < 30; i++)); do
		pg_ready && return 0
		sleep 1
	done
	return 1
}

pg_start_local() {
	local installed='' conf version
	if ! command -v pg_ctlcluster >/dev/null || ! compgen -G '/etc/postgresql/*/main' >/dev/null; then
		apt_install postgresql || return 1
		installed=1
	fi
	for conf in /etc/postgresql/*/main; do
		[[ -d $conf ]] || continue
		version=$(basename "$(dirname "$conf")")
		if [[ -n $installed ]]; then
			# A fresh Debian cluster wants a password over TCP. Our machines trust local TCP
			# connections (the tests connect as postgres without one), so set the new,
			# throwaway cluster up the same way. Existing clusters are left as they are.
			if ! grep -q '^host all postgres 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
				say "trusting local TCP connections for postgres in $conf/pg_hba.conf"
				"${SUDO[@]}" sed -i '1i host all postgres 127.0.0.1/32 trust' "$conf/pg_hba.conf"
				"${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
			fi
		fi
		say "starting PostgreSQL $version/main"
		# "start" fails when the cluster already runs (e.g. the package started it): fine.
		"${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
	done
}

ensure_postgres() {
	local local_server=''
	if [[ -z ${JIANFU_TEST_PG:-} ]]; then
		export JIANFU_TEST_PG='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
		local_server=1
	fi
	if pg_ready; then
		say "PostgreSQL is up ($(redacted_pg))"
	elif [[ -n $local_server ]]; then
		say "PostgreSQL is not up on 127.0.0.1:5432; starting it"
		if ! { pg_start_local && pg_wait; }; then
			required "PostgreSQL did not come up on 127.0.0.1:5432"
			return
		fi
		say "PostgreSQL is up ($(redacted_pg))"
	else
		say "waiting for PostgreSQL at $(redacted_pg) (JIANFU_TEST_PG is set, so nothing is started)"
		pg_wait || { required "PostgreSQL at $(redacted_pg) is not reachable"; return; }
	fi
	# Ready is not enough: the tests log in without a password and create schemas.
	# -w: never ask for a password (CI has no terminal; the tests cannot type one either).
	if command -v psql >/dev/null && ! PGCONNECT_TIMEOUT=10 psql -w "$JIANFU_TEST_PG" -XAtqc 'select 1' >/dev/null; then
		required "cannot log in to PostgreSQL at $(redacted_pg)"
	fi
}

redacted_pg() { sed -E 's#//([^:@/]*):[^@/]*@#//\1:xxxxx@#' <<<"$JIANFU_TEST_PG"; }

ensure_postgres

# --- Chromium and CJK fonts --------------------------------------------------------------------
# The Debian package chromium-headless-shell installs the browser as
# /usr/lib/chromium/chromium-headless-shell; /usr/bin/chromium-headless-shell is a sh wrapper that
# does not exec, so killing it after a test would leave the browser running. Use the real binary.
find_chrome() {
	local c
	for c in /usr/lib/chromium/chromium-headless-shell \
		"$(command -v chromium-headless-shell || true)" \
		/usr/lib/chromium/chromium \
		"$(command -v chromium || true)"; do
		if [[ -n $c && -x $c ]]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# CJK fonts: without them every Chinese character renders as an empty box and screenshots
# show nothing of the UI.
cjk_fonts() {
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 ||
		{ command -v fc-list >/dev/null && [[ -n $(fc-list ':lang=zh' 2>/dev/null | head -1) ]]; }
}

ensure_chrome() {
	local chrome
	if [[ -n ${JIANFU_CHROME:-} ]]; then
		[[ -x $JIANFU_CHROME ]] || command -v "$JIANFU_CHROME" >/dev/null ||
			{ required "JIANFU_CHROME=$JIANFU_CHROME is not an executable"; return; }
		chrome=$JIANFU_CHROME
	elif ! chrome=$(find_chrome); then
		say "no headless Chromium found; installing chromium-headless-shell and fonts-noto-cjk"
		apt_install chromium-headless-shell fonts-noto-cjk || true
		chrome=$(find_chrome) || { required "could not install chromium-headless-shell"; return; }
	fi
	if ! cjk_fonts; then
		say "no CJK fonts found; installing fonts-noto-cjk"
		if ! { apt_install fonts-noto-cjk && cjk_fonts; }; then
			required "could not install fonts-noto-cjk"
			return
		fi
	fi
	# A browser that cannot even print its version (missing libraries) would fail every test.
	local version
	version=$(timeout 30 "$chrome" --version 2>&1) || { required "$chrome does not run: $version"; return; }
	export JIANFU_CHROME=$chrome
	say "browser $JIANFU_CHROME ($version)"
}

ensure_chrome

# --- Go packages and flags -----------------------------------------------------------------------
# Arguments go to go test. Those that name packages (./… relative to the repository root, or
# module paths) also choose what go vet and the fuzz phase cover; when none is given, everything
# (./...) is tested. Give a flag's value with "=" when it starts with ./ (-coverprofile=./c.out),
# or it is taken for a package.
pkgs=()
flags=()
for arg in "$@"; do
	case $arg in
	./* | ../* | . | .. | github.com/jianfu-gov/jianfu*) pkgs+=("$arg") ;;
	*) flags+=("$arg") ;;
	esac
done
if ((${#pkgs[@]} == 0)); then pkgs=(./...); fi

say "go vet ${pkgs[*]}"
go vet "${pkgs[@]}" || die "go vet failed"

# --- Fuzz plan ---------------------------------------------------------------------------------
# Each fuzz target runs for a short while after the tests, to catch new crashes; go test runs
# their seed corpus with the other tests. The plan is printed before the tests, so that the log
# ends with go test's own output. A run with go test flags (e.g. -run) is a focused run and does
# not fuzz. Only packages whose test files declare a fuzz function are asked for their list
# later, since each go test -list builds a test binary.
fuzz_pkgs=()
if [[ ${JIANFU_SKIP_FUZZ:-} == 1 ]]; then
	say "fuzzing: skipped (JIANFU_SKIP_FUZZ=1)"
elif ((${#flags[@]} > 0)); then
	say "fuzzing: skipped (go test flags given)"
else
	while read -r dir; do
		if grep -lqE '^func Fuzz[A-Z0-9_]' "$dir"/*_test.go 2>/dev/null; then
			fuzz_pkgs+=("./$(realpath --relative-to=. "$dir")")
		fi
	done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' "${pkgs[@]}")
	if ((${#fuzz_pkgs[@]} == 0)); then
		say "fuzzing: no fuzz targets in ${pkgs[*]}"
	else
		say "fuzzing: after the tests, ${JIANFU_FUZZTIME:-10s} per target in ${fuzz_pkgs[*]}"
	fi
fi

# --- Tests ---------------------------------------------------------------------------------------
# go test's output is also kept, to repeat its summary at the end of the log.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary() { grep -E '^(--- FAIL:|(FAIL|ok|\?)[[:space:]])' "$log" || true; }

gotest=(go test -count=1 -timeout 30m "${flags[@]}" "${pkgs[@]}")
say "${gotest[*]}"
if ! "${gotest[@]}" 2>&1 | tee "$log"; then
	say "FAIL: go test failed; summary:"
	summary
	exit 1
fi
((${#fuzz_pkgs[@]} > 0)) || exit 0

# --- Fuzzing -------------------------------------------------------------------------------------
# go test -fuzz takes one package and one target at a time.
#
# Go 1.26's fuzz coordinator can end a time-limited run with a bare "context deadline exceeded"
# when a worker starved of CPU misses the stop deadline (go.dev/issue/75804, fixed in Go 1.27).
# That is not a finding: a real one writes its input to testdata/fuzz/<target>. So a failure
# that wrote no new input and printed that error is run again, up to twice; anything else fails.
fuzz_inputs() { ls "$1/testdata/fuzz/$2" 2>/dev/null | sort || true; }
fuzz_one() { # pkg target
	local pkg=$1 target=$2 out before try
	out=$(mktemp)
	for try in 1 2 3; do
		before=$(fuzz_inputs "$pkg" "$target")
		if go test -run '^$' -fuzz "^${target}\$" -fuzztime "${JIANFU_FUZZTIME:-10s}" "$pkg" 2>&1 | tee "$out"; then
			rm -f "$out"
			return 0
		fi
		if [[ $(fuzz_inputs "$pkg" "$target") != "$before" ]] || ! grep -q '^    context deadline exceeded$' "$out"; then
			rm -f "$out"
			die "fuzz $pkg $target failed; the failing input is in $pkg/testdata/fuzz/$target"
		fi
		say "fuzz $pkg $target: run $try ended at the coordinator's deadline with no input written (go.dev/issue/75804)"
	done
	rm -f "$out"
	die "fuzz $pkg $target: three runs ended at the coordinator's deadline without a finding"
}
fuzzed=0
for pkg in "${fuzz_pkgs[@]}"; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		say "fuzz $pkg $target for ${JIANFU_FUZZTIME:-10s}"
		fuzz_one "$pkg" "$target"
		fuzzed=$((fuzzed + 1))
	done
done
say "fuzzed $fuzzed targets; go test summary:"
summary
