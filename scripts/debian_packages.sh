# Sourced by scripts/setup.sh and packaging/linux/build.sh.
# install_missing_debian_packages PKG...: apt-get installs those not installed yet (with sudo
# when not root); a second run installs nothing.
install_missing_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  printf '\033[1m==> %s\033[0m\n' "Installing Debian packages: ${missing[*]}" >&2
  local sudo_cmd=()
  [[ $EUID -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}
