#!/usr/bin/env bash
# Builds the Linux x86-64 release into dist/:
#   oci-desktop-VERSION-linux-x86_64.run   per-user installer (makeself): no root, no Python needed
#   oci-desktop_VERSION_amd64.deb          for Debian and Ubuntu: /opt/oci-desktop, menu entry, AppArmor
# Both carry the same PyInstaller bundle: one folder whose one executable is the window, the
# command line, the model process and the sandboxed kernel (packaging/frozen_main.py), with
# llama.cpp built to run on any x86-64-v2 processor, and the bundled model.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# -- tools -----------------------------------------------------------------------------------
build_packages=(makeself dpkg binutils
                qemu-user xvfb xauth xdotool imagemagick)   # the smoke test's emulated CPUs and screen
source scripts/debian_packages.sh
install_missing_debian_packages "${build_packages[@]}"
scripts/setup.sh
python=.venv/bin/python
"$python" -m pip install -qq -r "$here/requirements-build.txt"

version=$("$python" -c 'import oci_desktop; print(oci_desktop.__version__)')
llama_version=$("$python" -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')
build=$root/build/linux
mkdir -p "$build" dist

# -- llama.cpp, portable (kept between builds: it only changes with its version) ------------------
llama_libs=$build/llama-$llama_version
if [[ ! -f $llama_libs/libllama.so ]]; then
  PYTHON=$python "$here/build_llama.sh" "$llama_version" "$llama_libs"
fi
gcc -O2 -march=x86-64 -shared -fPIC -o "$build/libocicpulevel.so" "$here/cpu_level.c"

# -- the bundle ------------------------------------------------------------------------------
say "Freezing the app with PyInstaller"
OCI_LLAMA_LIBS=$llama_libs OCI_CPU_PROBE=$build/libocicpulevel.so \
  "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$build/dist" --workpath "$build/work" "$here/oci-desktop.spec"
bundle=$build/dist/oci-desktop
# Code in the sandbox that starts `python` or `python3` (the bundle's folder is on its PATH) gets
# the bundle's interpreter: frozen_main.py runs scripts, -c and -m as Python does.
ln -sfn oci-desktop "$bundle/python3"
ln -sfn oci-desktop "$bundle/python"
"$bundle/oci-desktop" --version | grep -qx "oci-desktop $version"
[[ $("$bundle/python3" -c "print(6 * 7)") == 42 ]]
glibc=$("$python" "$here/check_bundle.py" "$bundle")   # fails the build on a finding

# -- per-user installer ----------------------------------------------------------------------
say "Packing the per-user installer"
stage=$build/user
rm -rf "$stage" && mkdir -p "$stage"
cp -a "$bundle" "$stage/oci-desktop"
cp "$here/user/install.sh" "$here/user/uninstall.sh" "$stage/"
cp oci_desktop/resources/oci-desktop.svg packaging/oci-desktop.desktop "$stage/"
cp -R oci_desktop/resources/app-icon "$stage/app-icon"   # the PNG sizes, for desktops that ask for them
echo "$glibc" > "$stage/glibc-version"
run_file=dist/oci-desktop-$version-linux-x86_64.run
makeself --quiet --xz --threads 0 --sha256 --nox11 "$stage" "$run_file" "OCI Desktop $version" ./install.sh

# -- Debian package --------------------------------------------------------------------------
say "Building the .deb"
deb=$build/deb
rm -rf "$deb" && mkdir -p "$deb/DEBIAN" "$deb/opt" "$deb/usr/bin" "$deb/usr/share/applications" \
  "$deb/usr/share/icons/hicolor/scalable/apps" "$deb/usr/share/oci-desktop/apparmor"
cp -a "$bundle" "$deb/opt/oci-desktop"
ln -s /opt/oci-desktop/oci-desktop "$deb/usr/bin/oci-desktop"
cp packaging/oci-desktop.desktop "$deb/usr/share/applications/"
cp oci_desktop/resources/oci-desktop.svg "$deb/usr/share/icons/hicolor/scalable/apps/"
for png in oci_desktop/resources/app-icon/oci-desktop-*.png; do   # 16 to 512 px, for desktops that want PNGs
    size=$(basename "$png" .png); size=${size#oci-desktop-}
    mkdir -p "$deb/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$deb/usr/share/icons/hicolor/${size}x${size}/apps/oci-desktop.png"
done
cp "$here/deb/apparmor-profile" "$deb/usr/share/oci-desktop/apparmor/oci-desktop"
cp "$here/deb/postinst" "$here/deb/postrm" "$deb/DEBIAN/"
installed_kb=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_kb/" \
    -e "s/@GLIBC@/$glibc/" "$here/deb/control" > "$deb/DEBIAN/control"
chmod -R u=rwX,go=rX "$deb"
chmod 755 "$deb/DEBIAN/postinst" "$deb/DEBIAN/postrm"
deb_file=dist/oci-desktop_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$deb" "$deb_file" >/dev/null

say "Built:"
for f in "$run_file" "$deb_file"; do
  printf '  %s  %s MB\n' "$f" "$(( $(stat -c %s "$f") / 1000000 ))" >&2
done
printf '  installed size  %s MB\n' "$(( $(du -sk "$bundle" | cut -f1) * 1024 / 1000000 ))" >&2
