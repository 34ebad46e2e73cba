#!/bin/sh
# Installs OCI Desktop for the person running it: no root, no compiler, no Python, no network.
#   the app        ~/.local/opt/oci-desktop/   (its uninstaller is in there: ./uninstall)
#   the command    ~/.local/bin/oci-desktop
#   menu entry     ~/.local/share/applications/oci-desktop.desktop, with its icon
# Models and conversations live apart, in ~/.local/share/oci-desktop, and are never touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$HOME/.local/opt/oci-desktop
bin_dir=$HOME/.local/bin
menu_file=$data_home/applications/oci-desktop.desktop
icon_file=$data_home/icons/hicolor/scalable/apps/oci-desktop.svg

if [ "$(id -u)" -eq 0 ] && [ -z "${OCI_DESKTOP_INSTALL_AS_ROOT:-}" ]; then
    echo "This installs OCI Desktop for one user; run it as that user, not as root." >&2
    echo "(For every user of this computer, install the .deb package instead.)" >&2
    exit 1
fi

# The bundle is built against a glibc; an older one would fail later, in the middle of things.
need=$(cat "$here/glibc-version")
have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n 1)" != "$need" ]; then
    echo "OCI Desktop needs a Linux with glibc $need or newer; this one has glibc $have." >&2
    exit 1
fi

echo "Installing OCI Desktop into $prefix"
mkdir -p "$HOME/.local/opt" "$bin_dir" "$(dirname "$menu_file")" "$(dirname "$icon_file")"
# Copy next to the old version, then swap: an interrupted install leaves the old one working.
rm -rf "$prefix.new"
cp -R "$here/oci-desktop" "$prefix.new"
cp "$here/uninstall.sh" "$prefix.new/uninstall"
chmod 755 "$prefix.new/uninstall"
rm -rf "$prefix.old"
[ -e "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"

ln -sfn "$prefix/oci-desktop" "$bin_dir/oci-desktop"
cp "$here/oci-desktop.svg" "$icon_file"
sed -e "s|^Exec=.*|Exec=\"$prefix/oci-desktop\"|" -e "s|^TryExec=.*|TryExec=$prefix/oci-desktop|" \
    -e "s|^Icon=.*|Icon=$icon_file|" "$here/oci-desktop.desktop" > "$menu_file"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$menu_file")" || true

echo "Done. Open OCI Desktop from your applications menu (Development or Education),"
echo "or type oci-desktop in a terminal. To remove it: $prefix/uninstall"
case ":$PATH:" in *":$bin_dir:"*) ;; *) echo "($bin_dir is not on your PATH yet; it will be after you log in again.)";; esac
