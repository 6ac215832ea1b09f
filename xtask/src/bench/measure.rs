//! Running a child process and reading what it cost: wall time, CPU time
//! (user + sys) and peak resident memory of it and the descendants it
//! waited for, from `wait4(2)`.
//!
//! For `cargo check` only the compiler's share counts, so `cargo` runs the
//! `xtask` binary itself as `RUSTC_WORKSPACE_WRAPPER`: [`rustc_wrapper`]
//! runs the real `rustc` for the measured crate (never for its
//! dependencies, which are prebuilt) and appends its usage to a log.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The environment variable that turns `xtask` into the rustc wrapper,
/// naming the log it appends to.
pub const RUSTC_LOG: &str = "XTASK_BENCH_RUSTC_LOG";

/// What one process (with its waited-for descendants) cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    pub wall: Duration,
    pub user: Duration,
    pub sys: Duration,
    /// Peak resident set of the largest process in the tree, in bytes.
    pub max_rss: u64,
    /// The exit code, or `None` when a signal ended it.
    pub code: Option<i32>,
}

impl Usage {
    pub fn cpu(&self) -> Duration {
        self.user + self.sys
    }

    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Run `command` to completion with its output in `stdout` and `stderr`
/// (files, so a chatty child never blocks on a full pipe).
pub fn run(command: &mut Command, stdout: &Path, stderr: &Path) -> Result<Usage, String> {
    let open = |path: &Path| File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()));
    command.stdout(open(stdout)?).stderr(open(stderr)?);
    run_with_stdio(command)
}

/// Run `command` with the stdio it was given.
pub fn run_with_stdio(command: &mut Command) -> Result<Usage, String> {
    let start = Instant::now();
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command.spawn().map_err(|e| format!("cannot run {program}: {e}"))?;
    wait(child.id(), start).map_err(|e| format!("waiting for {program}: {e}"))
}

#[cfg(unix)]
fn wait(pid: u32, start: Instant) -> Result<Usage, std::io::Error> {
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (std's `Child` is
        // never waited on); both pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let wall = start.elapsed();
    let time = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // Linux reports kilobytes (macOS bytes; the bench is run on Linux).
    let max_rss = if cfg!(target_os = "macos") { usage.ru_maxrss as u64 } else { usage.ru_maxrss as u64 * 1024 };
    Ok(Usage { wall, user: time(usage.ru_utime), sys: time(usage.ru_stime), max_rss, code })
}

#[cfg(not(unix))]
fn wait(_pid: u32, _start: Instant) -> Result<Usage, std::io::Error> {
    Err(std::io::Error::other("the bench reads wait4(2) resource usage: Unix only"))
}

/// `xtask` run by cargo as the workspace rustc wrapper: `args` are the real
/// rustc and its arguments. Runs it with cargo's stdio, appends one line
/// `crate<TAB>cpu seconds<TAB>peak RSS bytes` to `log` and exits as it did.
pub fn rustc_wrapper(log: &Path, args: &[OsString]) -> ExitCode {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("xtask: {RUSTC_LOG} is set but no rustc was given");
        return ExitCode::from(2);
    };
    let usage = match run_with_stdio(Command::new(rustc).args(rest)) {
        Ok(usage) => usage,
        Err(e) => {
            eprintln!("xtask (rustc wrapper): {e}");
            return ExitCode::from(2);
        }
    };
    let crate_name = rest.windows(2).find(|w| w[0] == "--crate-name").map(|w| w[1].to_string_lossy().into_owned());
    if let Some(name) = crate_name {
        let line = format!("{name}\t{}\t{}\n", usage.cpu().as_secs_f64(), usage.max_rss);
        let written = OpenOptions::new().create(true).append(true).open(log).and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            eprintln!("xtask (rustc wrapper): cannot append to {}: {e}", log.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::from(usage.code.and_then(|c| u8::try_from(c).ok()).unwrap_or(101))
}

/// Whether this process was started by cargo as the rustc wrapper: the
/// log variable is set and the first argument is a rustc.
pub fn wrapper_log(args: &[OsString]) -> Option<OsString> {
    let log = std::env::var_os(RUSTC_LOG)?;
    let first = Path::new(args.first()?);
    let stem = first.file_stem()?.to_string_lossy();
    (stem == "rustc" || stem.starts_with("rustc-")).then_some(log)
}

/// The compiler's total from a wrapper log: CPU seconds summed over every
/// rustc run, the largest peak RSS. `None` when nothing was compiled.
pub fn read_rustc_log(log: &Path) -> Option<(f64, u64)> {
    let text = fs::read_to_string(log).ok()?;
    let mut total: Option<(f64, u64)> = None;
    for line in text.lines() {
        let mut fields = line.split('\t').skip(1);
        let (Some(cpu), Some(rss)) = (fields.next(), fields.next()) else { continue };
        let (Ok(cpu), Ok(rss)) = (cpu.parse::<f64>(), rss.parse::<u64>()) else { continue };
        let (sum, max) = total.unwrap_or((0.0, 0));
        total = Some((sum + cpu, max.max(rss)));
    }
    total
}

/// The 1-minute load average, when the system tells (Linux).
pub fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// Mark `file` as modified now, as `touch` does.
pub fn touch(file: &Path) -> Result<(), String> {
    File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", file.display()))
}
