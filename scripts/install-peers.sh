#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real: Chromium for the renderer's
# end-to-end tests; kamailio (registrar/proxy), baresip-core (the phones: its aufile,
# sndfile and ctrl_tcp modules) and sip-tester (sipp) for the SIP tests; slapd and
# ldap-utils (slapadd) as the corporate / customer directory the LDAP connector tests
# start. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(chromium fonts-noto-cjk kamailio baresip-core sip-tester slapd ldap-utils)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "peers: all installed (${packages[*]})"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "peers: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
