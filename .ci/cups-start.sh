#!/usr/bin/env bash
# Start the CUPS scheduler and make the test print queues, on a CI machine without systemd. Run as
# root after `apt-get install cups cups-client cups-filters printer-driver-cups-pdf ghostscript`.
# Idempotent: a running scheduler is kept (told to reload when FileDevice had to be switched on), a
# queue that is there with the right device is kept, and every test queue is enabled and accepting.
#
#   GENFILE  Generic PDF printer (cups-filters' pdftopdf; the text stays text, pdftotext reads it)
#            -> $OUT/gen.pdf. A file: device needs `FileDevice Yes`; cupsd opens the file without
#            creating or truncating it, so it must exist and a shorter job leaves the tail of a
#            longer one: empty it before each job you read back.
#   PDF      cups-pdf (through Ghostscript: the text becomes glyphs) -> $OUT/pdf/<title>-job_<N>.pdf,
#            its own cups-pdf instance (/etc/cups/cups-pdf-guardpost.conf), not ~/PDF.
#   RECEIPT  raw queue (no driver, bytes unchanged) -> $OUT/receipt.bin, through the parallel
#            backend as a USB receipt printer at /dev/usb/lp0 would be: a raw queue never writes
#            to a file: device (no filter runs, the job "completes" with nothing written). Empty
#            the file before each job too.
#
#   GUARDPOST_CUPS_OUT  where the queues write (default /var/tmp/guardpost-cups; tests read it)
#   CUPSD_LOG           cupsd's own start-up output (default /tmp/guardpost-cupsd.log); its log
#                       is /var/log/cups/error_log
set -euo pipefail

out=${GUARDPOST_CUPS_OUT:-/var/tmp/guardpost-cups}
log=${CUPSD_LOG:-/tmp/guardpost-cupsd.log}
files_conf=/etc/cups/cups-files.conf
cupsd=/usr/sbin/cupsd
unset CUPS_SERVER  # this machine's scheduler, whatever the caller's environment points at

for tool in "$cupsd" /usr/sbin/lpadmin /usr/bin/lpstat; do
    [[ -x $tool ]] || { echo "$tool missing: apt-get install cups cups-client" >&2; exit 1; }
done
for ppd in /usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd; do
    [[ -r $ppd ]] || { echo "$ppd missing: apt-get install cups-filters printer-driver-cups-pdf" >&2; exit 1; }
done

running() { [[ $(lpstat -r 2>/dev/null) == "scheduler is running" ]]; }

cupsd_pid() {
    local pid
    pid=$(head -n1 /run/cups/cupsd.pid 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == cupsd ]]; then
        echo "$pid"
        return 0
    fi
    for comm in /proc/[0-9]*/comm; do  # started some other way; pgrep may be missing on slim images
        if [[ $(cat "$comm" 2>/dev/null) == cupsd ]]; then
            pid=${comm#/proc/}
            echo "${pid%/comm}"
            return 0
        fi
    done
    return 1
}

# --- FileDevice Yes (GENFILE's file: device) ----------------------------------------------------
changed=no
if ! grep -qx 'FileDevice Yes' "$files_conf"; then
    sed -i '/^[[:space:]]*#*[[:space:]]*FileDevice[[:space:]]/d' "$files_conf"
    echo 'FileDevice Yes' >>"$files_conf"
    changed=yes
fi

# --- the scheduler -------------------------------------------------------------------------------
if running; then
    if [[ $changed == yes ]]; then
        pid=$(cupsd_pid) || { echo "a scheduler answers but no cupsd process is found" >&2; exit 1; }
        kill -HUP "$pid"  # rereads cupsd.conf and cups-files.conf
        sleep 1
    fi
    echo "cupsd already running${pid:+ (pid $pid, reloaded)}"
else
    # daemon mode: cupsd forks and returns once it listens; never -l (on demand: it exits when idle)
    "$cupsd" >"$log" 2>&1 </dev/null || { echo "cupsd did not start; output:" >&2; cat "$log" >&2; exit 1; }
    echo "cupsd started"
fi
for _ in $(seq 100); do  # 10 s
    running && break
    sleep 0.1
done
running || { echo "cupsd does not answer (lpstat -r); /var/log/cups/error_log:" >&2; tail -n 20 /var/log/cups/error_log >&2; exit 1; }

# --- where the queues write ---------------------------------------------------------------------
mkdir -p "$out/pdf"
chmod 0755 "$out"
chmod 1777 "$out/pdf"  # cups-pdf writes as the job's owner: any user's tests read their own files
for f in gen.pdf receipt.bin; do
    [[ -f $out/$f ]] || : >"$out/$f"
    chmod 0666 "$out/$f"  # the parallel backend writes as lp; tests running as any user empty it
done
pdf_conf=/etc/cups/cups-pdf-guardpost.conf
want="Out $out/pdf
Label 2
Grp lpadmin"
[[ -f $pdf_conf && $(cat "$pdf_conf") == "$want" ]] || printf '%s\n' "$want" >"$pdf_conf"

# --- the queues ----------------------------------------------------------------------------------
queue() {  # queue NAME DEVICE-URI lpadmin-arguments...
    local name=$1 uri=$2 said
    shift 2
    if [[ $(lpstat -v "$name" 2>/dev/null) != "device for $name: ${uri#file:}" ]]; then
        # lpadmin warns that drivers and raw queues are deprecated: say it only when it fails
        said=$(lpadmin -p "$name" -E -v "$uri" "$@" 2>&1) || { echo "lpadmin -p $name: $said" >&2; exit 1; }
        echo "queue $name -> $uri"
    fi
    cupsenable "$name"
    cupsaccept "$name"
}
queue GENFILE "file://$out/gen.pdf" -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd -o PageSize=A4
queue PDF cups-pdf:/guardpost -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
queue RECEIPT "parallel:$out/receipt.bin" -m raw
echo "print queues ready: GENFILE PDF RECEIPT (output under $out)"
