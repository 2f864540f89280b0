//! The print spool on its own, against a printer that is unplugged and plugged back in.

use std::time::{Duration, Instant};

use crate::printer::*;
use antre_kiosk::PrinterUrl;
use antre_kiosk::spool::{PrintTask, Spool, SpoolReport};
use antre_protocol::{JobState, PrinterState};

const LIMIT: Duration = Duration::from_secs(60);

fn wait_report(spool: &Spool, what: &str, ok: impl Fn(&SpoolReport) -> bool) -> SpoolReport {
    let reports = spool.reports();
    let deadline = Instant::now() + LIMIT;
    loop {
        let report = reports.borrow().clone();
        if ok(&report) {
            return report;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {report:#?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn task(ticket: u64, number: &str, seq: u64) -> PrintTask {
    let mut bytes = vec![0x1b, b'@'];
    bytes.extend_from_slice(number.as_bytes());
    bytes.extend_from_slice(b"\n\x1dVA\x01");
    PrintTask {
        ticket,
        number: number.into(),
        seq,
        bytes,
        reprint: false,
    }
}

#[test]
fn an_unplugged_printer_keeps_the_job_and_prints_it_when_plugged_back_in() {
    let dir = tempfile::tempdir().unwrap();
    let port = dir.path().join("ttyPRINTER");
    let url = PrinterUrl::parse(&format!("serial://{}", port.display())).unwrap();
    let spool = Spool::start(url, 0);
    spool.print(task(7, "B007", 3));
    spool.seen(5);
    let report = wait_report(&spool, "the job retrying", |r| {
        r.printer.state == PrinterState::Offline
            && r.jobs
                .iter()
                .any(|j| j.ticket == 7 && j.state == JobState::Retrying)
    });
    assert!(report.printer.detail.is_some(), "the reason is told");
    assert_eq!(
        report.handled_seq, 2,
        "not past the unprinted ticket's event"
    );

    // Plugged back in: the device node appears.
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    std::os::unix::fs::symlink(&printer.path, &port).unwrap();
    let tickets = printer.wait_tickets(1, LIMIT);
    assert!(lines(&tickets[0]).contains(&"B007".to_string()));
    let report = wait_report(&spool, "printed", |r| r.queued == 0);
    assert_eq!(report.handled_seq, 5);
    assert_eq!(report.printer.state, PrinterState::Ok);

    // The same ticket handed over again (a replay after a reconnect) is not printed twice.
    spool.print(task(7, "B007", 3));
    spool.print(task(8, "B008", 6));
    printer.wait_tickets(2, LIMIT);
    wait_report(&spool, "both handled", |r| {
        r.queued == 0 && r.jobs.len() == 2
    });
    let all = printer.tickets();
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(lines(&all[1]).contains(&"B008".to_string()));
}

#[test]
fn a_file_printer_writes_bytes_and_a_readable_preview() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("previews");
    let url = PrinterUrl::parse(&format!("file://{}", out.display())).unwrap();
    let spool = Spool::start(url, 0);
    spool.print(task(9, "C009", 1));
    let report = wait_report(&spool, "printed", |r| {
        r.jobs
            .iter()
            .any(|j| j.ticket == 9 && j.state == JobState::Printed)
    });
    assert_eq!(report.printer.state, PrinterState::Ok);
    let bin = std::fs::read(out.join("000009-C009.bin")).unwrap();
    assert_eq!(bin, task(9, "C009", 1).bytes);
    let txt = std::fs::read_to_string(out.join("000009-C009.txt")).unwrap();
    assert!(
        txt.contains("[ESC @ init]") && txt.contains("C009") && txt.contains("[cut]"),
        "{txt}"
    );
}
