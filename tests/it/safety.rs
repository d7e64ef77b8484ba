//! Nothing lost, nothing hung (issue 10): grapevine writes only folders of
//! its own, refuses inputs it cannot read safely, and leaves nothing behind
//! when it is interrupted.

use std::fs;
use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{grapevine, repo};

/// What a folder holds: every file's path and bytes, sorted.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(contents(&path));
        } else {
            out.push((path.display().to_string(), fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// A user's folder with their scenario and notes in it.
fn user_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("my");
    fs::create_dir(&mine).unwrap();
    fs::copy(repo("scenarios/quick.toml"), mine.join("town.toml")).unwrap();
    fs::write(mine.join("notes.txt"), "what I want to show on Tuesday").unwrap();
    (dir, mine)
}

#[test]
fn a_users_folder_with_their_files_survives() {
    let (_dir, mine) = user_folder();
    let before = contents(&mine);
    grapevine()
        .arg("run")
        .arg(mine.join("town.toml"))
        .arg("--out")
        .arg(&mine)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("did not write")
                .and(predicate::str::contains("--out"))
                .and(predicate::str::contains(mine.display().to_string())),
        );
    assert_eq!(contents(&mine), before, "nothing touched");
}

#[test]
fn a_regular_file_named_as_the_output_survives() {
    let (_dir, mine) = user_folder();
    let notes = mine.join("notes.txt");
    grapevine()
        .arg("run")
        .arg(mine.join("town.toml"))
        .arg("--out")
        .arg(&notes)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    assert!(notes.is_file());
    assert_eq!(
        fs::read_to_string(&notes).unwrap(),
        "what I want to show on Tuesday"
    );
    assert_eq!(fs::read_dir(&mine).unwrap().count(), 2, "nothing added");
}

#[test]
fn notes_added_to_a_results_folder_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = || {
        let mut cmd = grapevine();
        cmd.args(["run", "--runs", "2", "--quiet", "--out"])
            .arg(&out)
            .arg(repo("scenarios/quick.toml"));
        cmd
    };
    run().assert().success();
    assert!(out.join(".grapevine").is_file(), "the folder is marked");
    // Replacing grapevine's own folder is fine...
    run().assert().success();
    // ...but not once it holds a file of the user's.
    fs::write(out.join("my-notes.txt"), "mine").unwrap();
    run()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("my-notes.txt"));
    assert_eq!(fs::read(out.join("my-notes.txt")).unwrap(), b"mine");
    assert!(out.join("timeseries.csv").is_file(), "earlier results kept");
}

#[test]
fn the_root_and_the_current_folder_are_refused_with_a_reason() {
    for (out, reason) in [("/", "root folder"), (".", "current folder")] {
        grapevine()
            .args(["run", "--quiet", "--out", out])
            .arg(repo("scenarios/quick.toml"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(reason));
    }
}

#[test]
fn a_folder_holding_the_scenario_being_run_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    grapevine()
        .args(["run", "--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .arg(repo("scenarios/quick.toml"))
        .assert()
        .success();
    // The copy grapevine wrote beside the results, run as a scenario.
    grapevine()
        .args(["run", "--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .arg(out.join("scenario.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("which this run reads"));
    assert!(out.join("scenario.toml").is_file());
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A timeout guards against a hang: reading either would never end.
    for path in [Path::new("/dev/zero"), fifo.as_path()] {
        grapevine()
            .arg("check")
            .arg(path)
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
    }
    for set in [
        "network={ kind = \"edge-list\", path = \"/dev/zero\" }".to_string(),
        format!(
            "network={{ kind = \"edge-list\", path = \"{}\" }}",
            fifo.display()
        ),
    ] {
        grapevine()
            .arg("run")
            .arg(repo("scenarios/quick.toml"))
            .args(["--quiet", "--set", &set, "--out"])
            .arg(dir.path().join("out"))
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_scenario_larger_than_the_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let f = fs::File::create(&big).unwrap();
    f.set_len(grapevine::input::MAX_SCENARIO_BYTES + 1).unwrap();
    grapevine()
        .arg("check")
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than grapevine reads"));
}

#[test]
fn scenarios_with_the_same_name_never_share_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
        fs::copy(
            repo("scenarios/quick.toml"),
            dir.path().join(sub).join("town.toml"),
        )
        .unwrap();
    }
    grapevine()
        .current_dir(dir.path())
        .args(["run", "--quiet", "a/town.toml", "b/town.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("would both write"));
    assert!(!dir.path().join("output").exists(), "nothing ran");
}

#[test]
fn an_error_in_a_variants_own_event_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let e = grapevine()
        .arg("run")
        .arg(repo("tests/data/broken/variant-event.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(e).unwrap();
    assert!(e.contains("variant-event.toml:22:20"), "{e}");
    assert!(
        e.contains("field: variants[2].events[0].set.market.p"),
        "{e}"
    );
    assert!(e.contains("a number from 0 to 1"), "{e}");
}

#[test]
fn the_shares_sum_is_stated_as_written() {
    let e = grapevine()
        .arg("check")
        .arg(repo("tests/data/broken/shares.toml"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(e).unwrap();
    assert!(e.contains("add up to 0.9 (0.2 + 0.7), not 1"), "{e}");
    assert!(!e.contains("0.8999"), "{e}");
}

/// Runs `scenario` into `out`, and sends SIGTERM once the run has reached
/// its write phase (its temporary folder has appeared).
#[cfg(unix)]
fn terminate_while_writing(scenario: &Path, out: &Path) -> std::process::ExitStatus {
    let bin = assert_cmd::cargo::cargo_bin!("grapevine");
    let mut child = std::process::Command::new(bin)
        .arg("run")
        .arg(scenario)
        .args(["--quiet", "--format", "png,svg", "--out"])
        .arg(out)
        .spawn()
        .unwrap();
    let partial = out.parent().unwrap().join(format!(
        ".{}.grapevine-partial-{}",
        out.file_name().unwrap().to_string_lossy(),
        child.id()
    ));
    let started = std::time::Instant::now();
    while !partial.exists() && started.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(partial.exists(), "the run reached its write phase");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn sigterm_while_writing_leaves_no_temporaries_and_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Many ticks: a write phase long enough to be interrupted.
    let scenario = dir.path().join("long.toml");
    fs::write(
        &scenario,
        "ticks = 2000\nruns = 2\n[network]\nkind = \"erdos-renyi\"\nn = 200\nmean_degree = 4\n",
    )
    .unwrap();
    grapevine()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--set", "ticks=5", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = contents(&out);
    let status = terminate_while_writing(&scenario, &out);
    assert!(!status.success(), "an interrupted run does not succeed");
    assert_eq!(contents(&out), before, "earlier results as they were");
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        left.iter().all(|n| !n.contains("grapevine-")),
        "no temporaries: {left:?}"
    );
}

#[test]
fn a_killed_runs_temporary_folder_is_cleaned_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // What SIGKILL in the write phase leaves: a half-written folder of a
    // process that no longer exists.
    let stale = dir
        .path()
        .join(format!(".out.grapevine-partial-{}", u32::MAX - 7));
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join(".grapevine-partial"), "").unwrap();
    fs::write(stale.join("timeseries.csv"), "half").unwrap();
    grapevine()
        .args(["run", "--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .arg(repo("scenarios/quick.toml"))
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(out.join("timeseries.csv").is_file());
}

// --- Issue 24: a results folder is input too.

/// Runs quick.toml into `out`, quietly.
fn quick_into(out: &Path) -> assert_cmd::assert::Assert {
    grapevine()
        .arg("run")
        .arg(repo("scenarios/quick.toml"))
        .args(["--quiet", "--format", "svg", "--out"])
        .arg(out)
        .assert()
}

#[test]
fn a_forged_manifest_deletes_nothing_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    let theirs = dir.path().join("somedir");
    let res = dir.path().join("res");
    quick_into(&res).success();
    for line in [
        "../victim.txt".to_string(),
        "../somedir/".to_string(),
        victim.display().to_string(),
        "charts/../../victim.txt".to_string(),
    ] {
        fs::write(&victim, "keep").unwrap();
        fs::create_dir_all(&theirs).unwrap();
        fs::write(theirs.join("x.txt"), "keep").unwrap();
        let manifest = res.join(".grapevine");
        let original = fs::read_to_string(&manifest).unwrap();
        fs::write(&manifest, format!("{original}{line}\n")).unwrap();
        quick_into(&res).code(2).stderr(
            predicate::str::contains("is not inside it").and(predicate::str::contains(&line)),
        );
        assert_eq!(fs::read(&victim).unwrap(), b"keep", "{line}");
        assert_eq!(fs::read(theirs.join("x.txt")).unwrap(), b"keep", "{line}");
        assert!(
            res.join("runs.csv").exists(),
            "{line}: the folder is left as it was"
        );
        fs::write(&manifest, original).unwrap();
    }
    // A stale folder a killed run left, holding such a manifest: neither
    // it nor anything outside it is deleted.
    let stale = dir
        .path()
        .join(format!(".res.grapevine-old-{}", u32::MAX - 1));
    fs::create_dir(&stale).unwrap();
    fs::write(
        stale.join(".grapevine"),
        "# Written by grapevine 0.1.0.\n../victim.txt\n../somedir/x.txt\n../somedir/\n",
    )
    .unwrap();
    quick_into(&res).success();
    assert_eq!(fs::read(&victim).unwrap(), b"keep");
    assert_eq!(fs::read(theirs.join("x.txt")).unwrap(), b"keep");
    assert!(
        stale.join(".grapevine").exists(),
        "a folder not grapevine's is kept"
    );
}

#[test]
fn names_and_titles_are_bounded_to_what_a_chart_shows() {
    let base = fs::read_to_string(repo("scenarios/quick.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let long_name = dir.path().join("name.toml");
    fs::write(
        &long_name,
        format!(
            "{base}\n[[variants]]\nname = \"{}\"\n[variants.set]\nservice.recovery_rate = 0.5\n",
            "x".repeat(100_000)
        ),
    )
    .unwrap();
    let long_title = dir.path().join("title.toml");
    let titled = base.replacen(
        "title = \"",
        &format!("title = \"{}", "t".repeat(3_000_000)),
        1,
    );
    assert_ne!(titled, base);
    fs::write(&long_title, titled).unwrap();
    for (file, what) in [(&long_name, "variant's name"), (&long_title, "title")] {
        let out = grapevine()
            .arg("check")
            .arg(file)
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("the {what} is")))
            .get_output()
            .stderr
            .clone();
        assert!(
            out.len() < 20_000,
            "the message quotes the whole {what}: {} bytes",
            out.len()
        );
    }
}

#[test]
fn checking_many_variants_is_linear_work() {
    // 2,000 variants; before issue 24 each was checked on a copy of the
    // whole file, all 2,000 variants included (11 s here, now under 0.1 s).
    let mut text = fs::read_to_string(repo("scenarios/quick.toml")).unwrap();
    for i in 0..2000 {
        text.push_str(&format!(
            "\n[[variants]]\nname = \"v{i}\"\n[variants.set]\nservice.recovery_rate = {}\n",
            f64::from(i % 100) / 100.0
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.toml");
    fs::write(&file, text).unwrap();
    grapevine()
        .arg("check")
        .arg(&file)
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "v1999: service.recovery_rate = 0.99",
        ));
}

/// A small file system of `size` (tmpfs), where the machine allows
/// mounting one (root on Linux, as CI is); `None` elsewhere.
fn small_disk(size: &str) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    fs::create_dir(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&disk)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    mounted.then_some((dir, disk))
}

#[test]
fn a_full_disk_names_the_file_in_plain_words_and_leaves_nothing() {
    for size in ["100k", "400k"] {
        let Some((_dir, disk)) = small_disk(size) else {
            eprintln!("note: cannot mount a small file system here: the full-disk test is skipped");
            return;
        };
        let out = grapevine()
            .arg("run")
            .arg(repo("scenarios/quick.toml"))
            .args(["--quiet", "--out"])
            .arg(disk.join("res"))
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        let left = fs::read_dir(&disk).unwrap().count();
        let _ = std::process::Command::new("umount").arg(&disk).status();
        assert_eq!(left, 0, "{size}: a failed run leaves nothing");
        let message = String::from_utf8(out).unwrap();
        assert!(
            message.contains("could not be written: No space left on device"),
            "{size}: {message}"
        );
        for debug in ["Custom {", "ImageError", "IoError("] {
            assert!(
                !message.contains(debug),
                "{size}: Rust's debug text: {message}"
            );
        }
    }
}
