#!/usr/bin/env bash
# Real host accounts for the login tests, made and removed by test.sh:
#   eval "$(tests/pam-users.sh create)"   # prints the exports the tests read
#   tests/pam-users.sh remove
# One user in the sudo group (Passthru's default allowed groups are wheel and sudo), one in
# neither, and one in sudo that a test takes out of it (and back), each with a fresh random password, and the project's own PAM service file installed as
# /etc/pam.d/passthru-test (not "passthru", so a real install on this machine is never touched).
set -euo pipefail
cd "$(dirname "$0")/.."

admin=passthru-t-admin
outsider=passthru-t-outsider
leaver=passthru-t-leaver
service=passthru-test

create() {
    remove >/dev/null 2>&1 || true
    getent group sudo >/dev/null || groupadd --system sudo
    local admin_password outsider_password leaver_password
    admin_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    outsider_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    leaver_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    useradd --no-create-home --shell /usr/sbin/nologin --groups sudo "$admin"
    useradd --no-create-home --shell /usr/sbin/nologin "$outsider"
    useradd --no-create-home --shell /usr/sbin/nologin --groups sudo "$leaver"
    printf '%s:%s\n%s:%s\n%s:%s\n' "$admin" "$admin_password" "$outsider" "$outsider_password" "$leaver" "$leaver_password" | chpasswd
    # The stack this distribution's install would get (deploy/install.sh makes the same choice).
    if [ -f /etc/pam.d/common-auth ]; then
        install -m 0644 deploy/pam.d/passthru "/etc/pam.d/$service"
    else
        install -m 0644 deploy/pam.d/passthru.system-auth "/etc/pam.d/$service"
    fi
    echo "export PASSTHRU_TEST_PAM_SERVICE=$service"
    echo "export PASSTHRU_TEST_ADMIN=$admin PASSTHRU_TEST_ADMIN_PASSWORD=$admin_password"
    echo "export PASSTHRU_TEST_OUTSIDER=$outsider PASSTHRU_TEST_OUTSIDER_PASSWORD=$outsider_password"
    echo "export PASSTHRU_TEST_LEAVER=$leaver PASSTHRU_TEST_LEAVER_PASSWORD=$leaver_password"
}

remove() {
    for user in "$admin" "$outsider" "$leaver"; do
        if getent passwd "$user" >/dev/null; then userdel "$user"; fi
    done
    rm -f "/etc/pam.d/$service"
}

case "${1:-}" in
    create) create ;;
    remove) remove ;;
    *) echo "usage: $0 create|remove" >&2; exit 2 ;;
esac
