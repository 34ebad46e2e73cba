#!/bin/sh
# Removes OCI Desktop installed for this user. Models and conversations
# (~/.local/share/oci-desktop) are kept; delete that folder too to remove them.
set -eu
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$HOME/.local/opt/oci-desktop
link=$HOME/.local/bin/oci-desktop
if [ -L "$link" ] && [ "$(readlink "$link")" = "$prefix/oci-desktop" ]; then rm -f "$link"; fi
rm -f "$data_home/applications/oci-desktop.desktop" "$data_home/icons/hicolor/scalable/apps/oci-desktop.svg"
rm -f "$data_home"/icons/hicolor/*x*/apps/oci-desktop.png
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data_home/applications" || true
rm -rf "$prefix"
rmdir "$HOME/.local/opt" 2>/dev/null || true
echo "OCI Desktop is removed. Your models and conversations are still in $data_home/oci-desktop."
