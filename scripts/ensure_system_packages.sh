#!/usr/bin/env bash
# Makes sure the system software the browser and PostgreSQL test suites need is here:
# Debian's Chromium (/usr/bin/chromium, driven by Playwright) and the PostgreSQL server
# binaries (/usr/lib/postgresql/<version>/bin/initdb, for a throwaway test cluster).
#
# Missing and running as root on a machine with apt-get: installs them (one
# `apt-get update`, then a non-interactive install). Otherwise: exits non-zero and
# says what to install. It never lets a test suite be skipped for a missing part.
set -euo pipefail

PACKAGES=(postgresql chromium chromium-driver fonts-dejavu-core gettext poppler-utils)
CHROMIUM=/usr/bin/chromium

missing_parts() {
    local missing=()
    [[ -x $CHROMIUM ]] || missing+=("Chromium ($CHROMIUM)")
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
        || missing+=("PostgreSQL server (/usr/lib/postgresql/*/bin/initdb)")
    command -v xgettext >/dev/null || missing+=("GNU gettext (xgettext, for the catalogue test)")
    command -v pdftotext >/dev/null || missing+=("Poppler (pdftotext, for the PDF tests)")
    compgen -G '/usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf' >/dev/null \
        || missing+=("DejaVu fonts (/usr/share/fonts/truetype/dejavu)")
    if ((${#missing[@]})); then
        printf '%s\n' "${missing[@]}"
    fi
}

missing=$(missing_parts)
if [[ -z $missing ]]; then
    echo "System packages: Chromium, PostgreSQL server and gettext are installed."
    exit 0
fi

echo "Missing system software:"
sed 's/^/  - /' <<<"$missing"

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    {
        echo
        echo "error: cannot install it from here (needs root and apt-get)."
        echo "Install these Debian/Ubuntu packages, then run make again:"
        echo "  sudo apt-get install ${PACKAGES[*]}"
        echo "(elsewhere: a Chromium at $CHROMIUM and the PostgreSQL server binaries)."
    } >&2
    exit 1
fi

# Wait for another apt/dpkg run (e.g. unattended-upgrades) instead of failing at once.
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
export DEBIAN_FRONTEND=noninteractive

echo
echo "Installing ${PACKAGES[*]} with apt-get ..."
"${APT[@]}" update
"${APT[@]}" install -y --no-install-recommends "${PACKAGES[@]}"

missing=$(missing_parts)
if [[ -n $missing ]]; then
    echo "error: still missing after apt-get install:" >&2
    sed 's/^/  - /' <<<"$missing" >&2
    exit 1
fi
echo "System packages: installed."
