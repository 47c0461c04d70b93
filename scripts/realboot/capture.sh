#!/usr/bin/env bash
# Boot Debian's armhf kernel on an emulated board and keep the driver core's log (dmesg).
#
# Usage: scripts/realboot/capture.sh BOARD [OUTDIR]
#   BOARD   orangepi-pc | vexpress-a15 | raspi2b
#   OUTDIR  where to write BOARD.dmesg (the log), BOARD.info (versions, command, times), BOARD.dtb (the
#           kernel package's blob), BOARD.qemu.dtb (the blob as QEMU hands it to the kernel: QEMU adds nodes,
#           e.g. vexpress's virtio_mmio transports, and /chosen), and BOARD.serial.log and BOARD.qemu.log (the
#           console and QEMU's own messages); default ./realboot-out
# Environment (all optional):
#   KVER            kernel ABI name (default 6.1.0-47-armmp, package linux-image-$KVER)
#   REALBOOT_WORK   cache of the downloaded packages and the built initramfs (default /var/tmp/deferprobe-realboot)
#   REALBOOT_PASSES modalias passes of the initramfs (default 3)
#   REALBOOT_DEFERRED_TIMEOUT  the kernel's deferred_probe_timeout= in seconds (default 30; the kernel's
#                   own default is 10, which an emulated board under load can pass before userspace starts
#                   loading modules, so whether the timeout falls before or after the modules would depend
#                   on the host's load)
#   REALBOOT_WAIT   seconds the initramfs waits after the last pass (default: the timeout plus 15)
#   REALBOOT_TIMEOUT hard limit of one boot in seconds; QEMU is killed after it (default 600)
#   REALBOOT_BLACKLIST comma-separated modules the kernel refuses to load (module_blacklist=); default per
#                   board: orangepi-pc blacklists sun4i_codec, whose probe oopses in 6.1.170 (docs/real-boots.md)
#
# What it does (details and measured times: docs/real-boots.md):
#   1. installs qemu-system-arm, kmod, cpio and device-tree-compiler with apt-get when missing;
#   2. downloads (does not install) linux-image-$KVER:armhf and busybox-static:armhf through a private
#      apt state, and extracts them with dpkg -x;
#   3. runs depmod on the host (the package ships no modules.dep);
#   4. builds an uncompressed initramfs: static busybox, every module of the package, and ./init;
#   5. dumps the blob QEMU passes to the kernel (-machine dumpdtb=), then boots BOARD under QEMU with
#      dynamic debug of dd.c and core.c, initcall_debug and a 16 MiB log buffer, and stops QEMU when the
#      dump is complete (raspi2b halts instead of powering off) or at the hard limit;
#   6. extracts the log from the serial output into BOARD.dmesg.
# Exit status: 0 a complete log was captured; 1 the boot failed or the log is incomplete; 2 bad usage.
set -euo pipefail

die() { echo "capture.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 orangepi-pc|vexpress-a15|raspi2b [OUTDIR]" >&2; exit 2; }

[ $# -ge 1 ] && [ $# -le 2 ] || usage
BOARD=$1
OUT=${2:-./realboot-out}
KVER=${KVER:-6.1.0-47-armmp}
WORK=${REALBOOT_WORK:-/var/tmp/deferprobe-realboot}
PASSES=${REALBOOT_PASSES:-3}
DEFERRED_TIMEOUT=${REALBOOT_DEFERRED_TIMEOUT:-30}
WAIT=${REALBOOT_WAIT:-$((DEFERRED_TIMEOUT + 15))}
TIMEOUT=${REALBOOT_TIMEOUT:-600}
HERE=$(cd "$(dirname "$0")" && pwd)

# Board table: QEMU machine, device tree blob of the kernel package, memory, console, blacklisted modules.
# orangepi-pc: sun4i_codec's probe oopses (a jump to a bad address in snd_soc_dai_set_fmt) inside the
# deferred-probe worker, which hangs deferred probing for the rest of the boot; the module is blacklisted.
case "$BOARD" in
    orangepi-pc)  MACHINE=orangepi-pc;  DTB=sun8i-h3-orangepi-pc.dtb;  MEM=1024; CONSOLE=ttyS0,115200;   BL=sun4i_codec ;;
    vexpress-a15) MACHINE=vexpress-a15; DTB=vexpress-v2p-ca15-tc1.dtb; MEM=1024; CONSOLE=ttyAMA0,115200; BL= ;;
    raspi2b)      MACHINE=raspi2b;      DTB=bcm2836-rpi-2-b.dtb;       MEM=1024; CONSOLE=ttyAMA0,115200; BL= ;;
    *) echo "capture.sh: unknown board '$BOARD' (orangepi-pc, vexpress-a15, raspi2b)" >&2; exit 2 ;;
esac
BLACKLIST=${REALBOOT_BLACKLIST-$BL}
case "$PASSES$WAIT$TIMEOUT$DEFERRED_TIMEOUT" in
    *[!0-9]*) echo "capture.sh: REALBOOT_PASSES, REALBOOT_WAIT, REALBOOT_TIMEOUT and REALBOOT_DEFERRED_TIMEOUT must be integers" >&2
              exit 2 ;;
esac

START=$(date +%s)
step() { echo "capture.sh [$(( $(date +%s) - START ))s] $*"; }

# 1. Host tools.
need=()
for pkg in qemu-system-arm kmod cpio device-tree-compiler; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    step "installing ${need[*]}"
    apt-get update -q >/dev/null || true   # an unrelated source failing must not stop us; install says if it matters
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. The armhf packages, downloaded through a private apt state (the host's own apt state is not touched).
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/debs"
APT=(-oAPT::Architecture=armhf -oAPT::Architectures=armhf
     "-oDir::State::Lists=$WORK/apt/lists" "-oDir::Cache=$WORK/apt/cache" -q)
KPKG=linux-image-$KVER
if ! ls "$WORK/debs/${KPKG}_"*.deb >/dev/null 2>&1 || ! ls "$WORK/debs/busybox-static_"*.deb >/dev/null 2>&1; then
    step "downloading $KPKG and busybox-static (armhf)"
    # bookworm-security's index is sometimes mid-sync; the packages come from bookworm main, so go on.
    apt-get "${APT[@]}" update >/dev/null 2>&1 || true
    (cd "$WORK/debs" && chmod 0777 . && apt-get "${APT[@]}" download "$KPKG" busybox-static >/dev/null) \
        || die "cannot download $KPKG or busybox-static for armhf"
fi
KDEB=$(ls "$WORK/debs/${KPKG}_"*.deb | head -n1)
BDEB=$(ls "$WORK/debs/busybox-static_"*.deb | head -n1)
KPKGVER=$(dpkg-deb -f "$KDEB" Version)
BBVER=$(dpkg-deb -f "$BDEB" Version)
ROOT=$WORK/root-$KVER
if [ ! -f "$ROOT/.extracted" ]; then
    step "extracting $(basename "$KDEB") and $(basename "$BDEB")"
    rm -rf "$ROOT" && mkdir -p "$ROOT/kernel" "$ROOT/busybox"
    dpkg -x "$KDEB" "$ROOT/kernel"
    dpkg -x "$BDEB" "$ROOT/busybox"
    # 3. modules.dep, modules.alias: the package ships neither.
    step "depmod -b $ROOT/kernel $KVER"
    depmod -b "$ROOT/kernel" "$KVER"
    touch "$ROOT/.extracted"
fi
VMLINUZ=$ROOT/kernel/boot/vmlinuz-$KVER
DTBFILE=$ROOT/kernel/usr/lib/linux-image-$KVER/$DTB
[ -f "$VMLINUZ" ] || die "no $VMLINUZ in $KDEB"
[ -f "$DTBFILE" ] || die "no $DTB in $KDEB"

# 4. The initramfs: rebuilt when init or the kernel changed.
INITRD=$WORK/initramfs-$KVER.cpio
if [ ! -f "$INITRD" ] || [ "$HERE/init" -nt "$INITRD" ] || [ "$ROOT/.extracted" -nt "$INITRD" ]; then
    step "building $INITRD"
    STAGE=$WORK/stage-$KVER
    rm -rf "$STAGE" && mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lib/modules}
    cp "$ROOT/busybox/bin/busybox" "$STAGE/bin/busybox"
    cp "$HERE/init" "$STAGE/init" && chmod 0755 "$STAGE/init"
    cp -a "$ROOT/kernel/lib/modules/$KVER" "$STAGE/lib/modules/"
    mknod -m 600 "$STAGE/dev/console" c 5 1   # the kernel opens it before /init runs; devtmpfs comes later
    (cd "$STAGE" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) > "$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
    rm -rf "$STAGE"
fi

# 5. The boot.
mkdir -p "$OUT"
SERIAL=$OUT/$BOARD.serial.log
DMESG=$OUT/$BOARD.dmesg
APPEND="console=$CONSOLE rdinit=/init panic=-1 initcall_debug log_buf_len=16M deferred_probe_timeout=$DEFERRED_TIMEOUT"
APPEND+=" dyndbg=\"file drivers/base/dd.c +p; file drivers/base/core.c +p\""
APPEND+=" realboot.passes=$PASSES realboot.wait=$WAIT"
[ -z "$BLACKLIST" ] || APPEND+=" module_blacklist=$BLACKLIST"
QEMU=(qemu-system-arm -M "$MACHINE" -m "$MEM" -kernel "$VMLINUZ" -dtb "$DTBFILE" -initrd "$INITRD"
      -append "$APPEND" -display none -monitor none -serial "file:$SERIAL" -no-reboot
      -audiodev none,id=noaudio)
QEMU_DTB=$OUT/$BOARD.qemu.dtb
rm -f "$QEMU_DTB"
DUMP=(qemu-system-arm -M "$MACHINE,dumpdtb=$QEMU_DTB" "${QEMU[@]:3}")   # same flags; QEMU dumps and exits
"${DUMP[@]}" > "$OUT/$BOARD.qemu.log" 2>&1 || true
[ -s "$QEMU_DTB" ] || die "QEMU did not dump the device tree blob (see $OUT/$BOARD.qemu.log)"
: > "$SERIAL"
step "booting $BOARD: ${QEMU[*]}"
BOOT_START=$(date +%s)
"${QEMU[@]}" >> "$OUT/$BOARD.qemu.log" 2>&1 &   # QEMU's own warnings, kept apart from the serial log
QPID=$!
END_MARK='===== REALBOOT DMESG END ====='
complete=no
while kill -0 "$QPID" 2>/dev/null; do
    if grep -q "$END_MARK" "$SERIAL"; then
        complete=yes
        sleep 3                                   # let poweroff finish; raspi2b halts instead
        break
    fi
    if [ $(( $(date +%s) - BOOT_START )) -ge "$TIMEOUT" ]; then
        step "hard timeout of $TIMEOUT s reached"
        break
    fi
    sleep 1
done
if kill -0 "$QPID" 2>/dev/null; then
    kill "$QPID" 2>/dev/null || true              # only the QEMU this script started
    sleep 2
    kill -9 "$QPID" 2>/dev/null || true
fi
wait "$QPID" 2>/dev/null || true
grep -q "$END_MARK" "$SERIAL" && complete=yes
BOOT_SECS=$(( $(date +%s) - BOOT_START ))

# 6. The log between the markers, carriage returns removed.
sed -n '/===== REALBOOT DMESG BEGIN =====/,/===== REALBOOT DMESG END =====/p' "$SERIAL" \
    | sed -e '1d' -e '$d' -e 's/\r$//' > "$DMESG"
[ -s "$DMESG" ] || { step "no log between the markers; serial output in $SERIAL"; exit 1; }
cp "$DTBFILE" "$OUT/$BOARD.dtb"
{
    echo "board: $BOARD"
    echo "captured: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(nproc) cores"
    echo "kernel: $KPKG $KPKGVER ($(basename "$KDEB"))"
    echo "kernel release: $(grep -a -m1 -o 'Linux version [^ ]*' "$DMESG" | cut -d' ' -f3 || true)"
    echo "busybox: busybox-static $BBVER"
    echo "qemu: $(qemu-system-arm --version | head -n1)"
    echo "dtb: $DTB ($(sha256sum "$DTBFILE" | cut -d' ' -f1)), as booted: $BOARD.qemu.dtb ($(sha256sum "$QEMU_DTB" | cut -d' ' -f1))"
    echo "passes: $PASSES, wait after the last pass: $WAIT s, deferred_probe_timeout: $DEFERRED_TIMEOUT s, blacklisted modules: ${BLACKLIST:-none}"
    echo "command: ${QEMU[*]}"
    echo "boot time: $BOOT_SECS s; total time of capture.sh: $(( $(date +%s) - START )) s"
    echo "log: $(wc -l < "$DMESG") lines, complete: $complete"
} > "$OUT/$BOARD.info"
cat "$OUT/$BOARD.info"
[ "$complete" = yes ] || { step "the log is incomplete (no end marker)"; exit 1; }
