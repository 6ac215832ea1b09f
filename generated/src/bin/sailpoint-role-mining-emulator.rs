//! A role-mining tenant on your machine: see `sailpoint_role_mining::emulator`.
//!
//! ```text
//! cargo run -p sailpoint-role-mining --features emulator --bin sailpoint-role-mining-emulator -- --port 8080
//! ```

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use sailpoint_role_mining::emulator::{Emulator, Faults};

const USAGE: &str = "\
Usage: sailpoint-role-mining-emulator [OPTIONS]

Serves an emulated role-mining tenant: beta at /beta, v2024/v2025/v2026 at
their base paths, v1 at /role-mining-sessions/v1/..., OAuth2 client
credentials at /oauth/token.

Options:
  --port N                 port to listen on (default 8080; 0 picks a free one)
  --host ADDR              address to listen on (default 127.0.0.1)
  --seed N                 seed of the tenant's data (default 1)
  --time-scale F           pace of sessions, provisioning and exports
                           (1 = a tenant's pace, 0.1 = ten times faster)
  --token-lifetime SECS    lifetime of access tokens (default 749)
  --client-id ID           client id to accept (default: derived from the seed)
  --client-secret SECRET   client secret to accept (default: derived from the seed)
  --faults LIST            faults to inject, comma-separated:
                             rate-limit[=N/DURATION]  429 past N requests per
                                                      DURATION per token
                                                      (bare: 100/10s, SailPoint's)
                             5xx=RATE                 502/503/504 answers
                             slow=RATE:DURATION       late answers
                             cut=RATE                 bodies cut short
                             expire=RATE              tokens expired early
                           e.g. --faults rate-limit,5xx=0.05,slow=0.1:2s
  -h, --help               show this help
";

fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1).collect()) {
        Ok(Some(builder)) => builder,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match builder.start().await {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!("error: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        let (id, secret) = emulator.client_credentials();
        let url = emulator.url().to_owned();
        // Whoever reads this may go away; the server goes on without them.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "Emulated role-mining tenant at {url} (seed {}, faults: {})", emulator.seed(), emulator.faults());
        let _ = writeln!(out, "  client id:     {id}");
        let _ = writeln!(out, "  client secret: {secret}");
        let _ = writeln!(
            out,
            "  token:         curl -s -X POST '{url}/oauth/token' -d grant_type=client_credentials -d client_id={id} -d client_secret={secret}"
        );
        let _ = writeln!(out, "  for the crate: SAIL_BASE_URL={url} SAIL_CLIENT_ID={id} SAIL_CLIENT_SECRET={secret}");
        let _ = out.flush();
        drop(out);
        match emulator.wait().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: the server stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The builder the arguments describe; `None` for `--help`.
fn parse(args: Vec<String>) -> Result<Option<sailpoint_role_mining::emulator::EmulatorBuilder>, String> {
    let mut builder = Emulator::builder();
    let (mut host, mut port): (IpAddr, u16) = ([127, 0, 0, 1].into(), 8080);
    let (mut client_id, mut client_secret) = (None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse().map_err(|_| format!("{flag}: not a port number"))?,
            "--host" => host = value()?.parse().map_err(|_| format!("{flag}: not an IP address"))?,
            "--seed" => builder = builder.seed(value()?.parse().map_err(|_| format!("{flag}: not a number"))?),
            "--time-scale" => {
                let scale: f64 = value()?.parse().map_err(|_| format!("{flag}: not a number"))?;
                if !scale.is_finite() || scale < 0.0 {
                    return Err(format!("{flag}: must be 0 or more"));
                }
                builder = builder.time_scale(scale);
            }
            "--token-lifetime" => {
                let seconds: f64 = value()?.parse().map_err(|_| format!("{flag}: not a number of seconds"))?;
                let lifetime = Duration::try_from_secs_f64(seconds).map_err(|_| format!("{flag}: not a number of seconds"))?;
                builder = builder.token_lifetime(lifetime);
            }
            "--client-id" => client_id = Some(value()?),
            "--client-secret" => client_secret = Some(value()?),
            "--faults" => builder = builder.faults(value()?.parse::<Faults>().map_err(|e| format!("{flag}: {e}"))?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match (client_id, client_secret) {
        (Some(id), Some(secret)) => builder = builder.client_credentials(id, secret),
        (None, None) => {}
        _ => return Err("--client-id and --client-secret go together".into()),
    }
    Ok(Some(builder.bind(SocketAddr::new(host, port))))
}
