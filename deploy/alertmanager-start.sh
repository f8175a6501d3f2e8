#!/bin/sh
# Supplies Alertmanager's receiver URLs without editing alerts/alertmanager.yml:
# copies the shipped file with its placeholder URLs
# (http://127.0.0.1:5001/velocitytrader/<receiver>) replaced by the URLs in the
# environment, then runs the given command (Alertmanager) if there is one.
# POSIX sh (busybox in the prom/alertmanager image, dash, bash).
#
#   ALERT_WEBHOOK_URL           required: warning, default, and the fallback
#                               for the two below
#   ALERT_CRITICAL_WEBHOOK_URL  optional: critical alerts
#   ALERT_WATCHDOG_URL          optional: the always-firing heartbeat
#   NAME_FILE                   instead of NAME: a file holding the URL
#   ALERTMANAGER_TEMPLATE       the shipped file
#                               (default /etc/velocitytrader/alerts/alertmanager.yml)
#   ALERTMANAGER_CONFIG         where the result goes
#                               (default /alertmanager/alertmanager.yml)
#
# By hand:  ALERT_WEBHOOK_URL=https://example.com/hook \
#             ALERTMANAGER_TEMPLATE=alerts/alertmanager.yml \
#             ALERTMANAGER_CONFIG=/tmp/alertmanager.yml sh deploy/alertmanager-start.sh
set -eu

template=${ALERTMANAGER_TEMPLATE:-/etc/velocitytrader/alerts/alertmanager.yml}
config=${ALERTMANAGER_CONFIG:-/alertmanager/alertmanager.yml}

fail() {
    echo "alertmanager-start: $*" >&2
    exit 64
}

# The value of variable $1, or the contents of the file named by ${1}_FILE.
setting() {
    eval "value=\${$1:-}"
    eval "file=\${$1_FILE:-}"
    if [ -n "$file" ]; then
        [ -r "$file" ] || fail "$1_FILE: cannot read $file"
        value=$(cat "$file")
    fi
    printf '%s' "$value"
}

# Checks that $2 (from variable $1) is one http(s) URL that fits in the YAML.
check_url() {
    case $2 in
        http://?* | https://?*) ;;
        *) fail "$1 must be an http:// or https:// URL, got '$2'" ;;
    esac
    case $2 in
        *[[:space:]]* | *"'"*) fail "$1 must not contain spaces or quotes (percent-encode them)" ;;
    esac
}

# The sed replacement text for a URL: escape \, | and &.
escaped() {
    printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

webhook=$(setting ALERT_WEBHOOK_URL)
[ -n "$webhook" ] || fail "set ALERT_WEBHOOK_URL (or ALERT_WEBHOOK_URL_FILE) to the URL that receives alerts; see the README, \"Receiving alerts\""
critical=$(setting ALERT_CRITICAL_WEBHOOK_URL)
watchdog=$(setting ALERT_WATCHDOG_URL)
critical=${critical:-$webhook}
watchdog=${watchdog:-$webhook}
check_url ALERT_WEBHOOK_URL "$webhook"
check_url ALERT_CRITICAL_WEBHOOK_URL "$critical"
check_url ALERT_WATCHDOG_URL "$watchdog"
[ -r "$template" ] || fail "cannot read $template"

placeholder='http://127\.0\.0\.1:5001/velocitytrader'
tmp="$config.tmp.$$"
sed -e "s|'$placeholder/default'|'$(escaped "$webhook")'|" \
    -e "s|'$placeholder/warning'|'$(escaped "$webhook")'|" \
    -e "s|'$placeholder/critical'|'$(escaped "$critical")'|" \
    -e "s|'$placeholder/watchdog'|'$(escaped "$watchdog")'|" \
    "$template" >"$tmp"
if grep -q "$placeholder" "$tmp"; then
    rm -f "$tmp"
    fail "$template has a placeholder URL this script does not know"
fi
mv "$tmp" "$config"
echo "alertmanager-start: wrote $config" >&2

if [ "$#" -gt 0 ]; then
    exec "$@"
fi
