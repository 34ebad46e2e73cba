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

# A running copy would load the new version's files halfway through.
for exe in /proc/[0-9]*/exe; do
    if [ "$(readlink "$exe" 2>/dev/null)" = "$prefix/oci-desktop" ]; then
        echo "OCI Desktop is running. Close it, then run this installer again." >&2
        exit 1
    fi
done

echo "Installing OCI Desktop into $prefix"
mkdir -p "$HOME/.local/opt" "$bin_dir" "$(dirname "$menu_file")" "$(dirname "$icon_file")"
# Copy next to the old version, then swap: an interrupted install leaves the old one working.
rm -rf "$prefix.new"
cp -R "$here/oci-desktop" "$prefix.new"
cp "$here/uninstall.sh" "$prefix.new/uninstall"
chmod 755 "$prefix.new/uninstall"
rm -rf "$prefix.old"
if [ -e "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"

# The command, unless another oci-desktop (a pip install, say) already has that name.
link=$bin_dir/oci-desktop
if [ ! -e "$link" ] && [ ! -L "$link" ] || [ "$(readlink "$link")" = "$prefix/oci-desktop" ]; then
    ln -sfn "$prefix/oci-desktop" "$link"
else
    echo "Note: $link is another program; left as it is. This one is $prefix/oci-desktop."
fi

# The menu entry, with the path quoted as the desktop entry format asks: \ " ` $ escaped, % doubled.
quoted=$(printf '%s' "$prefix/oci-desktop" | sed -e 's/[\\"`$]/\\\\&/g' -e 's/%/%%/g')
cp "$here/oci-desktop.svg" "$icon_file"
for png in "$here"/app-icon/oci-desktop-*.png; do   # the PNG sizes, for desktops that ask for them
    size=$(basename "$png" .png); size=${size#oci-desktop-}
    mkdir -p "$data_home/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$data_home/icons/hicolor/${size}x${size}/apps/oci-desktop.png"
done
while IFS= read -r line; do
    case $line in
        Exec=*) printf 'Exec="%s"\n' "$quoted" ;;
        TryExec=*) printf 'TryExec=%s\n' "$prefix/oci-desktop" ;;
        Icon=*) printf 'Icon=%s\n' "$icon_file" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$here/oci-desktop.desktop" > "$menu_file"
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$(dirname "$menu_file")" || true; fi

echo "Done. Open OCI Desktop from your applications menu (Development or Education),"
echo "or type oci-desktop in a terminal. To remove it: $prefix/uninstall"
case ":$PATH:" in *":$bin_dir:"*) ;; *) echo "($bin_dir is not on your PATH yet; it will be after you log in again.)";; esac
if [ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null)" = 1 ]; then
    echo "Note: AppArmor on this system blocks the user namespaces the app's sandbox needs. The app"
    echo "will say how to allow them; or install the .deb package, which brings an AppArmor profile."
fi
