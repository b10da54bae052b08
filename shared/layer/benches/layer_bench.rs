//! Layer reader benchmark: wall time and peak memory of `read_layer` against
//! `zcat FILE | tar -t >/dev/null` on the same gzip layer.
//!
//! `cargo bench -p layerwatch-layer --bench layer_bench -- FILE...` measures the given layers;
//! with no files it generates a ~1 GiB layer and a layer of 3 million empty files in a temp dir
//! (or in `$LAYER_BENCH_OUT`, where they are kept and reused).
//! Each measurement runs in a child process (this binary again), which reports its own wall time
//! and peak RSS (`VmHWM`), so generating layers here never counts. Best of `LAYER_BENCH_RUNS`
//! runs (default 3) for both sides. CPU seconds (user + system, all threads and processes) are
//! printed too, because wall time on a shared 2-core machine depends on the neighbours.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use layerwatch_layer::{Limits, read_layer};
use layerwatch_oci::Digest;
use sha2::{Digest as _, Sha256};

const CHILD_ENV: &str = "LAYER_BENCH_CHILD";

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    // cargo passes `--bench` to harness-less benches.
    let files: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    let runs: usize = std::env::var("LAYER_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let _temp;
    let files = if files.is_empty() {
        // LAYER_BENCH_OUT keeps the generated layers in that folder (reused when present).
        let dir = match std::env::var_os("LAYER_BENCH_OUT") {
            Some(out) => PathBuf::from(out),
            None => {
                let temp = tempfile::tempdir().expect("a temp dir");
                let path = temp.path().to_path_buf();
                _temp = temp;
                path
            }
        };
        vec![
            generate(&dir.join("big-1gib.tar.gz"), big_layer),
            generate(&dir.join("empty-3m.tar.gz"), empty_files_layer),
        ]
    } else {
        files
    };
    println!(
        "{:<22} {:>7} {:>9} {:>10} {:>10} {:>6} {:>8} {:>8} {:>6} {:>8}",
        "layer",
        "MB",
        "entries",
        "ours s",
        "zcat|tar s",
        "ratio",
        "ours cpu",
        "base cpu",
        "ratio",
        "peak MiB"
    );
    for file in &files {
        measure(file, runs);
    }
}

/// Runs `read_layer` on `FILE` with digest `DIGEST` (`FILE\tDIGEST` in the environment) and
/// prints `wall_secs peak_kib entries items cpu_secs`.
fn child(spec: &str) {
    let (file, digest) = spec.split_once('\t').expect("FILE\\tDIGEST");
    let digest: Digest = digest.parse().expect("a digest");
    let blob = File::open(file).expect("the layer file");
    let start = Instant::now();
    let inv = read_layer(blob, &digest, &Limits::default()).expect("the layer reads");
    let wall = start.elapsed().as_secs_f64();
    println!(
        "{wall} {} {} {} {}",
        peak_kib(),
        inv.entries,
        inv.items.len(),
        cpu_secs()
    );
}

/// User plus system time of this process (all threads), from `/proc/self/stat`.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the `(comm)`: state is field 3, utime 14 and stime 15 (in clock ticks).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 =
        fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
    ticks as f64 / 100.0
}

/// Seconds in a `times` line such as `0m1.330s 0m0.060s` (user, system).
fn parse_times(line: &str) -> f64 {
    line.split_whitespace()
        .filter_map(|t| {
            let (m, s) = t.trim_end_matches('s').split_once('m')?;
            Some(m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?)
        })
        .sum()
}

/// `VmHWM` of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

fn measure(file: &Path, runs: usize) {
    let digest = sha256_file(file);
    let exe = std::env::current_exe().expect("this binary");
    let spec = format!("{}\t{digest}", file.display());
    let (mut best, mut peak, mut entries, mut cpu) = (f64::MAX, 0u64, 0u64, f64::MAX);
    for _ in 0..runs {
        let out = Command::new(&exe)
            .env(CHILD_ENV, &spec)
            .output()
            .expect("child runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<&str> = text.split_whitespace().collect();
        best = best.min(fields[0].parse().expect("wall time"));
        peak = peak.max(fields[1].parse().expect("peak"));
        entries = fields[2].parse().expect("entries");
        cpu = cpu.min(fields[4].parse().expect("cpu"));
    }
    let (mut baseline, mut base_cpu) = (f64::MAX, f64::MAX);
    for _ in 0..runs {
        let start = Instant::now();
        // `times` prints the shell's and then its children's user and system time.
        let out = Command::new("sh")
            .arg("-c")
            .arg("zcat \"$FILE\" | tar -t >/dev/null && times")
            .env("FILE", file)
            .output()
            .expect("sh runs");
        baseline = baseline.min(start.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "zcat | tar -t failed on {}",
            file.display()
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let children = text.lines().nth(1).map(parse_times).unwrap_or(f64::NAN);
        base_cpu = base_cpu.min(children);
    }
    let size = std::fs::metadata(file).expect("stat").len() as f64 / 1e6;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    println!(
        "{name:<22} {size:>7.1} {entries:>9} {best:>10.3} {baseline:>10.3} {:>6.3} \
         {cpu:>8.2} {base_cpu:>8.2} {:>6.3} {:>8.1}",
        best / baseline,
        cpu / base_cpu,
        peak as f64 / 1024.0
    );
}

fn sha256_file(path: &Path) -> String {
    let mut file = File::open(path).expect("the layer file");
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("readable layer");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    format!("sha256:{:x}", hasher.finalize())
}

type Builder = tar::Builder<flate2::write::GzEncoder<BufWriter<File>>>;

fn generate(path: &Path, fill: fn(&mut Builder) -> io::Result<()>) -> PathBuf {
    if path.exists() {
        return path.to_path_buf();
    }
    let start = Instant::now();
    let file = BufWriter::new(File::create(path).expect("a temp file"));
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    fill(&mut builder).expect("generating a layer");
    let gz = builder.into_inner().expect("tar end");
    gz.finish().expect("gzip end").flush().expect("flush");
    eprintln!(
        "generated {} in {:.1}s",
        path.display(),
        start.elapsed().as_secs_f64()
    );
    path.to_path_buf()
}

fn header(size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    h
}

/// ~1 GiB compressed: 1 MiB files, three of four incompressible, plus a dpkg status file.
fn big_layer(b: &mut Builder) -> io::Result<()> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut data = vec![0u8; 1 << 20];
    let text = b"Package: libexample\nVersion: 1.2.3-4\nDescription: some text\n".repeat(19_000);
    b.append_data(
        &mut header(text.len() as u64, 0o644),
        "var/lib/dpkg/status",
        &text[..],
    )?;
    for i in 0..1_400u32 {
        if i % 4 == 3 {
            let len = data.len();
            data.copy_from_slice(&text[..len]);
        } else {
            for word in data.chunks_exact_mut(8) {
                // xorshift64: cheap bytes that gzip cannot shrink.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                word.copy_from_slice(&state.to_le_bytes());
            }
        }
        let path = format!("usr/lib/big/{:03}/file{i}.bin", i / 100);
        b.append_data(&mut header(data.len() as u64, 0o644), path, &data[..])?;
    }
    Ok(())
}

/// 3 million empty files in 3 000 directories.
fn empty_files_layer(b: &mut Builder) -> io::Result<()> {
    for i in 0..3_000_000u32 {
        let path = format!("srv/d{:04}/f{i:07}", i / 1000);
        b.append_data(&mut header(0, 0o644), path, io::empty())?;
    }
    Ok(())
}
