//! The output folder: written whole, and only ever grapevine's own.
//!
//! Every folder grapevine writes holds a manifest, [`MANIFEST`], listing
//! every file and folder in it. grapevine replaces an existing folder only
//! when it has a manifest and holds nothing the manifest does not list, so
//! a user's folder, a file, a link, a device, or a results folder where the
//! user has since put notes of their own is never touched: it is refused
//! before anything runs, with a message saying how to proceed.
//!
//! A folder is filled in a temporary sibling, `.NAME.grapevine-partial-PID`,
//! then swapped into place; an interrupted or failed run removes its
//! temporary folder, and one left by a run that was killed outright is
//! cleaned up (or, for a swap cut short, put back) by the next run that
//! writes beside it.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// The manifest file in every folder grapevine writes.
pub const MANIFEST: &str = ".grapevine";

/// The marker in a temporary folder while it is being filled.
const PARTIAL_MARKER: &str = ".grapevine-partial";

/// The largest manifest grapevine reads (a run writes a few hundred files).
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

fn refuse(path: &Path, reason: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Refused {
        path: path.to_path_buf(),
        reason: reason.into(),
        help: help.into(),
    }
}

const NEVER_DELETES: &str =
    "grapevine replaces only folders it wrote itself, and never deletes a file it did not write";

/// Checks that `dest` can be written: it does not exist yet, or it is a
/// folder grapevine wrote that holds nothing else and none of `inputs`
/// (the scenario being run, its edge list).
pub fn check(dest: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let Some(name) = dest.file_name() else {
        let what = match dest.components().next_back() {
            None => "an empty path".to_string(),
            Some(Component::RootDir | Component::Prefix(_)) => "the root folder".to_string(),
            Some(Component::CurDir) => "the current folder".to_string(),
            Some(_) => "a parent folder".to_string(),
        };
        return Err(refuse(
            dest,
            format!("it names {what}, which cannot be an output folder"),
            "give a new folder's name, for example --out results/my-town",
        ));
    };
    if name.is_empty() {
        return Err(refuse(dest, "it has no name", "give a folder's name"));
    }
    let meta = match fs::symlink_metadata(dest) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(refuse(
                dest,
                format!("it cannot be examined: {e}"),
                "choose another folder with --out",
            ));
        }
    };
    let other = "choose another folder with --out, for example --out results/my-town";
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refuse(
            dest,
            "it is a symbolic link; grapevine writes only to a real folder of its own",
            format!("give a new folder's own path with --out; {NEVER_DELETES}"),
        ));
    }
    if !kind.is_dir() {
        return Err(refuse(
            dest,
            "it is a file, not a folder grapevine wrote",
            format!("{other}; {NEVER_DELETES}"),
        ));
    }
    let listed = read_manifest(dest).map_err(|why| {
        refuse(
            dest,
            format!("it is a folder grapevine did not write ({why})"),
            format!(
                "choose a new folder with --out (for example --out {}), or move this one away yourself; {NEVER_DELETES}",
                dest.join("results").display()
            ),
        )
    })?;
    if let Some(stranger) = first_unlisted(dest, &listed) {
        return Err(refuse(
            dest,
            format!(
                "`{}` in it was not written by grapevine, and replacing the folder would delete it",
                stranger.display()
            ),
            format!("move that file out of the folder, or {other}"),
        ));
    }
    if let Some(locked) = read_only(dest) {
        return Err(refuse(
            dest,
            format!(
                "`{}` in it is read-only, so grapevine could not delete the earlier results after the run",
                locked.display()
            ),
            format!("make it writable (chmod -R u+w), or {other}"),
        ));
    }
    let inside = |p: &Path| {
        let (Ok(p), Ok(d)) = (p.canonicalize(), dest.canonicalize()) else {
            return false;
        };
        p.starts_with(d)
    };
    if let Some(input) = inputs.iter().find(|p| inside(p)) {
        return Err(refuse(
            dest,
            format!(
                "it holds `{}`, which this run reads, and replacing the folder would delete it",
                input.display()
            ),
            other,
        ));
    }
    Ok(())
}

/// The entries a manifest lists (`charts/` for a folder, `charts/nps.png`
/// for a file), or why there is none.
fn read_manifest(dir: &Path) -> Result<BTreeSet<String>, String> {
    let path = dir.join(MANIFEST);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => {}
        Ok(_) => return Err(format!("its `{MANIFEST}` is not a file")),
        Err(_) => return Err(format!("it has no `{MANIFEST}` manifest")),
    }
    let text =
        crate::input::read_text(&path, MAX_MANIFEST_BYTES).map_err(|e| e.describe("manifest"))?;
    parse_manifest(&text)
}

/// A manifest's entries, each a path inside the folder. A manifest that
/// names anything else (an absolute path, `..`, `.`, an empty part, a
/// backslash or a drive) was not written by grapevine: the folder is
/// treated as someone else's, and nothing in it or outside it is deleted.
fn parse_manifest(text: &str) -> Result<BTreeSet<String>, String> {
    let mut lines = text.lines();
    if !lines
        .next()
        .is_some_and(|l| l.starts_with("# Written by grapevine"))
    {
        return Err(format!("its `{MANIFEST}` is not grapevine's"));
    }
    let mut listed = BTreeSet::new();
    for line in lines.filter(|l| !l.starts_with('#') && !l.is_empty()) {
        if !inside(line) {
            return Err(format!(
                "its `{MANIFEST}` names `{}`, which is not inside it",
                line.escape_debug()
            ));
        }
        listed.insert(line.to_string());
    }
    Ok(listed)
}

/// Whether a manifest line names a path strictly inside the folder: plain
/// names joined by `/`, a folder's with a `/` at the end.
fn inside(line: &str) -> bool {
    let path = line.strip_suffix('/').unwrap_or(line);
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && !part.contains(['\\', ':', '\0'])
                && Path::new(part)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
        })
}

/// The first folder at or under `dir` whose permissions forbid writing,
/// if any: its entries could not be deleted.
fn read_only(dir: &Path) -> Option<PathBuf> {
    let locked = |p: &Path| fs::metadata(p).is_ok_and(|m| m.permissions().readonly());
    if locked(dir) {
        return Some(dir.to_path_buf());
    }
    entries(dir)
        .ok()?
        .into_iter()
        .filter(|(_, kind)| kind.is_dir())
        .map(|(name, _)| dir.join(name.trim_end_matches('/')))
        .find(|p| locked(p))
}

/// Every entry under `dir`, as the manifest names them, or an error.
fn entries(dir: &Path) -> io::Result<Vec<(String, fs::FileType)>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = rel.join(entry.file_name());
            let name = path.to_string_lossy().replace('\\', "/");
            if kind.is_dir() {
                out.push((format!("{name}/"), kind));
                stack.push(path);
            } else {
                out.push((name, kind));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The first entry under `dir` that the manifest does not list (or that
/// is not a plain file or folder), if any.
fn first_unlisted(dir: &Path, listed: &BTreeSet<String>) -> Option<PathBuf> {
    let all = match entries(dir) {
        Ok(all) => all,
        Err(_) => return Some(dir.to_path_buf()),
    };
    all.into_iter()
        .find(|(name, kind)| {
            name != MANIFEST && (!listed.contains(name) || !(kind.is_file() || kind.is_dir()))
        })
        .map(|(name, _)| dir.join(name.trim_end_matches('/')))
}

/// Whether `dir` is a folder grapevine wrote that holds nothing else: the
/// first problem, if not.
fn first_unlisted_of(dir: &Path) -> Option<String> {
    match read_manifest(dir) {
        Err(why) => Some(why),
        Ok(listed) => first_unlisted(dir, &listed).map(|p| p.display().to_string()),
    }
}

/// Writes the manifest of a filled folder: every entry in it.
fn write_manifest(dir: &Path) -> io::Result<()> {
    let mut text = format!(
        "# Written by grapevine {}. It replaces this folder only while every\n\
         # entry in it is listed here; add files of your own and it will not.\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, _) in entries(dir)? {
        if name != PARTIAL_MARKER {
            text.push_str(&name);
            text.push('\n');
        }
    }
    fs::write(dir.join(MANIFEST), text)
}

/// Deletes a folder grapevine wrote, entry by listed entry, so that a file
/// added since the check is never deleted: the folder is then left as it
/// is. Only an entry that is both listed and found inside the folder (a
/// plain file or folder, never followed through a link) is deleted.
/// Returns why the folder is not gone, if it is not.
fn remove_listed(dir: &Path) -> Result<(), String> {
    let listed = read_manifest(dir)?;
    let found = entries(dir).map_err(|e| format!("it cannot be read: {e}"))?;
    let mut failed = None;
    for (name, kind) in found.iter().rev() {
        if !listed.contains(name) {
            continue;
        }
        let path = dir.join(name.trim_end_matches('/'));
        let removed = if kind.is_dir() {
            fs::remove_dir(&path)
        } else if kind.is_file() {
            fs::remove_file(&path)
        } else {
            continue;
        };
        if let Err(e) = removed {
            failed.get_or_insert(format!("`{}` could not be deleted: {e}", path.display()));
        }
    }
    if let Some(why) = failed {
        return Err(why);
    }
    fs::remove_file(dir.join(MANIFEST))
        .and_then(|()| fs::remove_dir(dir))
        .map_err(|e| match e.kind() {
            io::ErrorKind::DirectoryNotEmpty => {
                "it holds a file grapevine did not write".to_string()
            }
            _ => format!("it could not be deleted: {e}"),
        })
}

/// A temporary sibling of `dest` for this process: (filling, replaced).
fn temporaries(parent: &Path, name: &str) -> (PathBuf, PathBuf) {
    let pid = std::process::id();
    (
        parent.join(format!(".{name}.grapevine-partial-{pid}")),
        parent.join(format!(".{name}.grapevine-old-{pid}")),
    )
}

/// Whether the process `pid` is gone. Where there is no `/proc`, a
/// temporary folder a day old is taken to be a dead run's.
fn process_gone(pid: u32, folder: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.is_dir() {
        return !proc.join(pid.to_string()).exists();
    }
    fs::metadata(folder)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 24 * 3600)
}

/// Cleans what runs that were killed left beside `dest`: their partial
/// folders are deleted, and a folder a swap had moved aside is put back if
/// `dest` is missing (the earlier results), or deleted if not.
pub fn clean_stale(dest: &Path) {
    let (parent, Some(name)) = (parent_of(dest), dest.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(list) = fs::read_dir(&parent) else {
        return;
    };
    for entry in list.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.grapevine-")) else {
            continue;
        };
        let (kind, pid) = rest.split_once('-').unwrap_or(("", ""));
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_dir());
        if !is_dir || !process_gone(pid, &path) {
            continue;
        }
        match kind {
            "partial" => {
                // Still being filled (its marker, or nothing yet), or
                // complete but killed before its swap (its manifest).
                let filling = path.join(PARTIAL_MARKER).is_file()
                    || fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
                if filling {
                    let _ = fs::remove_dir_all(&path);
                } else if first_unlisted_of(&path).is_none() {
                    let _ = remove_listed(&path);
                }
            }
            "old" if fs::symlink_metadata(dest).is_err() => {
                let _ = fs::rename(&path, dest);
            }
            "old" if first_unlisted_of(&path).is_none() => {
                let _ = remove_listed(&path);
            }
            _ => {}
        }
    }
}

fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Fills `dest` as a whole: `fill` writes into a temporary sibling folder,
/// which replaces `dest` only once it is complete and `cancelled()` is
/// still false. If `fill` fails or the run is interrupted, the temporary
/// folder is removed and `dest` is left as it was. `inputs` are the files
/// the run reads, which the folder replaced must not hold.
pub fn write_folder(
    dest: &Path,
    inputs: &[&Path],
    cancelled: &dyn Fn() -> bool,
    fill: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<(), Error> {
    check(dest, inputs)?;
    let parent = parent_of(dest);
    fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
    clean_stale(dest);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tmp, old) = temporaries(&parent, &name);
    if fs::symlink_metadata(&tmp).is_ok() {
        fs::remove_dir_all(&tmp).map_err(|e| io_error(&tmp, e))?;
    }
    fs::create_dir(&tmp).map_err(|e| io_error(&tmp, e))?;
    let filled = fs::write(tmp.join(PARTIAL_MARKER), "")
        .map_err(|e| io_error(&tmp, e))
        .and_then(|()| fill(&tmp))
        .and_then(|()| {
            if cancelled() {
                return Err(Error::Cancelled);
            }
            fs::remove_file(tmp.join(PARTIAL_MARKER)).map_err(|e| io_error(&tmp, e))?;
            write_manifest(&tmp).map_err(|e| io_error(&tmp, e))
        })
        // The folder may have changed while the run went on.
        .and_then(|()| check(dest, inputs));
    if let Err(e) = filled {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    swap(dest, &tmp, &old).map_err(|e| {
        let _ = fs::remove_dir_all(&tmp);
        if fs::symlink_metadata(dest).is_err() && old.exists() {
            let _ = fs::rename(&old, dest);
        }
        io_error(dest, e)
    })
}

/// Puts `tmp` in the place of `dest`, moving an earlier `dest` aside first
/// and deleting it (entry by listed entry) once the new one is in place.
fn swap(dest: &Path, tmp: &Path, old: &Path) -> io::Result<()> {
    let existed = fs::symlink_metadata(dest).is_ok();
    if existed {
        fs::rename(dest, old)?;
    }
    fs::rename(tmp, dest)?;
    if existed && let Err(why) = remove_listed(old) {
        eprintln!(
            "warning: the earlier results were moved to {} and left there: {why}",
            old.display()
        );
    }
    Ok(())
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        context: format!("writing {}", path.display()),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> bool {
        false
    }

    fn write(dest: &Path, file: &str, text: &str) -> Result<(), Error> {
        write_folder(dest, &[], &never, |d| {
            fs::create_dir_all(d.join("charts")).map_err(|e| io_error(d, e))?;
            fs::write(d.join(file), text).map_err(|e| io_error(d, e))
        })
    }

    #[test]
    fn folders_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        write(&dest, "b.txt", "2").unwrap();
        assert!(!dest.join("a.txt").exists());
        assert_eq!(fs::read(dest.join("b.txt")).unwrap(), b"2");
        let manifest = fs::read_to_string(dest.join(MANIFEST)).unwrap();
        assert!(manifest.contains("\nb.txt\n") && manifest.contains("\ncharts/\n"));
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary folders are left");
    }

    #[test]
    fn a_failed_write_keeps_the_old_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        assert!(write(&dest, "no/such/dir.txt", "2").is_err());
        assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_interrupted_write_keeps_the_old_folder_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        let e = write_folder(&dest, &[], &|| true, |d| {
            fs::write(d.join("b.txt"), "2").map_err(|e| io_error(d, e))
        })
        .unwrap_err();
        assert!(matches!(e, Error::Cancelled));
        assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_grapevine_did_not_write_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "my notes").unwrap();
        let e = write(&mine, "a.txt", "1").unwrap_err();
        assert!(e.to_string().contains("did not write"), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(fs::read(mine.join("notes.txt")).unwrap(), b"my notes");
    }

    #[test]
    fn a_file_added_to_a_results_folder_is_never_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        fs::write(dest.join("charts/my-notes.txt"), "mine").unwrap();
        let e = write(&dest, "a.txt", "2").unwrap_err();
        assert!(e.to_string().contains("my-notes.txt"), "{e}");
        assert_eq!(fs::read(dest.join("charts/my-notes.txt")).unwrap(), b"mine");
    }

    #[test]
    fn files_links_and_special_paths_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(check(&file, &[]).is_err());
        assert_eq!(fs::read(&file).unwrap(), b"x");
        for p in ["/", ".", "..", ""] {
            let e = check(Path::new(p), &[]).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{p}");
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path(), &link).unwrap();
            assert!(check(&link, &[]).unwrap_err().to_string().contains("link"));
        }
    }

    #[test]
    fn the_scenario_being_run_is_never_inside_the_folder_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "scenario.toml", "x").unwrap();
        let input = dest.join("scenario.toml");
        let e = write_folder(&dest, &[&input], &never, |_| Ok(())).unwrap_err();
        assert!(e.to_string().contains("which this run reads"), "{e}");
        assert!(input.exists());
    }

    #[test]
    fn what_a_killed_run_left_is_cleaned_or_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        // A dead process's half-written folder, and its swap cut short:
        // the earlier results moved aside with nothing in their place.
        let dead = u32::MAX - 1;
        let partial = dir.path().join(format!(".out.grapevine-partial-{dead}"));
        fs::create_dir(&partial).unwrap();
        fs::write(partial.join(PARTIAL_MARKER), "").unwrap();
        let old = dir.path().join(format!(".out.grapevine-old-{dead}"));
        fs::rename(&dest, &old).unwrap();
        // Someone else's folder with a similar name is not touched.
        let other = dir.path().join(".out.grapevine-partial-x");
        fs::create_dir(&other).unwrap();
        clean_stale(&dest);
        assert!(!partial.exists());
        assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1");
        assert!(!old.exists() && other.exists());
    }

    /// A results folder whose manifest has been edited (or received from
    /// someone else) to name paths outside it.
    fn forged(dir: &Path, lines: &[&str]) -> PathBuf {
        forged_as(dir, "out", lines)
    }

    fn forged_as(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
        let dest = dir.join(name);
        write(&dest, "a.txt", "1").unwrap();
        let mut text = fs::read_to_string(dest.join(MANIFEST)).unwrap();
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
        fs::write(dest.join(MANIFEST), text).unwrap();
        dest
    }

    #[test]
    fn a_manifest_naming_anything_outside_its_folder_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        let folder = dir.path().join("somedir");
        fs::create_dir(&folder).unwrap();
        let absolute = victim.to_str().unwrap().to_string();
        for bad in [
            "../victim.txt",
            "../somedir/",
            absolute.as_str(),
            "charts/../../victim.txt",
            "./a.txt",
            "a\\..\\..\\victim.txt",
        ] {
            fs::write(&victim, "keep").unwrap();
            let dest = forged(dir.path(), &[bad]);
            let e = write(&dest, "b.txt", "2").unwrap_err();
            assert!(e.to_string().contains("not inside it"), "{bad}: {e}");
            assert_eq!(fs::read(&victim).unwrap(), b"keep", "{bad}");
            assert!(folder.is_dir(), "{bad}");
            assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1", "{bad}");
            // Put the folder back as grapevine wrote it for the next case.
            fs::remove_dir_all(&dest).unwrap();
        }
    }

    #[test]
    fn a_stale_folder_with_a_forged_manifest_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep").unwrap();
        let dest = forged(dir.path(), &["../victim.txt"]);
        let dead = u32::MAX - 1;
        let old = dir.path().join(format!(".out.grapevine-old-{dead}"));
        fs::rename(&dest, &old).unwrap();
        // The stale folder is put back in its place, then refused as not
        // grapevine's, by this run and the next.
        write(&dest, "b.txt", "2").unwrap_err();
        write(&dest, "c.txt", "3").unwrap_err();
        assert!(dest.join("a.txt").exists());
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        // A second stale folder beside a folder in place is left alone too.
        let other = dir.path().join("other");
        let forged_old = forged_as(dir.path(), "other", &["../victim.txt"]);
        let old = dir.path().join(format!(".other.grapevine-old-{dead}"));
        fs::rename(&forged_old, &old).unwrap();
        let fresh = dir.path().join("fresh");
        write(&fresh, "b.txt", "2").unwrap();
        fs::rename(&fresh, &other).unwrap();
        write(&other, "b.txt", "3").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert!(old.join("a.txt").exists(), "a folder not ours stays");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_a_results_folder_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("theirs");
        fs::create_dir(&theirs).unwrap();
        fs::write(theirs.join("x.txt"), "keep").unwrap();
        let dest = forged(dir.path(), &["charts/link/", "charts/link/x.txt"]);
        std::os::unix::fs::symlink(&theirs, dest.join("charts/link")).unwrap();
        assert!(write(&dest, "b.txt", "2").is_err());
        // Deleting entry by entry skips it too, even were it listed.
        assert!(remove_listed(&dest).is_err());
        assert_eq!(fs::read(theirs.join("x.txt")).unwrap(), b"keep");
    }

    #[test]
    fn a_complete_folder_killed_before_its_swap_is_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        let dead = u32::MAX - 1;
        let partial = dir.path().join(format!(".out.grapevine-partial-{dead}"));
        write(&partial, "a.txt", "2").unwrap();
        write(&dest, "a.txt", "3").unwrap();
        assert!(!partial.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_results_folder_is_refused_before_the_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write(&dest, "a.txt", "1").unwrap();
        let charts = dest.join("charts");
        fs::set_permissions(&charts, fs::Permissions::from_mode(0o555)).unwrap();
        let e = write(&dest, "a.txt", "2").unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        fs::set_permissions(&charts, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    proptest::proptest! {
        /// Whatever a manifest says, what it lets grapevine delete lies
        /// inside the folder.
        #[test]
        fn every_entry_a_manifest_allows_lies_inside_its_folder(
            lines in proptest::collection::vec("[a-z./\\\\:]{0,12}", 0..8)
        ) {
            let text = format!("# Written by grapevine\n{}\n", lines.join("\n"));
            if let Ok(listed) = parse_manifest(&text) {
                let top = Path::new("/results/out");
                for name in listed {
                    let path = top.join(name.trim_end_matches('/'));
                    proptest::prop_assert!(path.starts_with(top) && path != top);
                    proptest::prop_assert!(path
                        .components()
                        .skip(top.components().count())
                        .all(|c| matches!(c, Component::Normal(_))));
                }
            }
        }
    }
}
