//! Every file `init` writes goes through [`write_file`]: the path must stay
//! inside the target folder, and no symbolic link under the target is ever
//! followed, for reading what is there or for writing.
//!
//! Parent folders are checked one component at a time from the root and
//! created one by one; files are opened only with `create_new` (`O_EXCL`,
//! which never follows a link), and a replaced file is written beside it
//! and renamed over it, which replaces a link itself, never its target.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where `--force` keeps the files it replaces, relative to the target.
pub const BACKUP_DIR: &str = ".shipshape/backup";

/// The path of the backup of `rel` in the backup folder `dir`: the `~`
/// suffix keeps `check --no-ignore` from auditing it as a live Dockerfile
/// or manifest.
pub fn backup_path(dir: &str, rel: &str) -> String {
    format!("{dir}/{rel}~")
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: an absolute path; init writes only inside its target folder")]
    Absolute { path: String },
    #[error("{path}: `..` would leave the target folder; refused")]
    LeavesRoot { path: String },
    #[error("{path}: a symbolic link; init never writes through one (replace it with a real file or folder)")]
    Symlink { path: String },
    #[error("{path}: neither a regular file nor a folder; refused")]
    NotRegular { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

/// What is at a kit path now.
#[derive(Debug, PartialEq, Eq)]
pub enum Current {
    Missing,
    File(Vec<u8>),
}

fn io_error(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io { path: path.display().to_string(), source }
}

/// The components of `rel`, which must be relative and stay inside the root.
fn components(rel: &str) -> Result<Vec<&std::ffi::OsStr>, WriteError> {
    let path = Path::new(rel);
    let mut out = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            Component::ParentDir => return Err(WriteError::LeavesRoot { path: rel.to_string() }),
            Component::RootDir | Component::Prefix(_) => return Err(WriteError::Absolute { path: rel.to_string() }),
        }
    }
    if out.is_empty() {
        return Err(WriteError::NotRegular { path: rel.to_string() });
    }
    Ok(out)
}

/// What one path under the root is, without following a link.
enum Kind {
    Missing,
    Dir,
    File,
}

fn kind(path: &Path) -> Result<Kind, WriteError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(WriteError::Symlink { path: path.display().to_string() }),
        Ok(meta) if meta.is_dir() => Ok(Kind::Dir),
        Ok(meta) if meta.is_file() => Ok(Kind::File),
        Ok(_) => Err(WriteError::NotRegular { path: path.display().to_string() }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Kind::Missing),
        Err(e) => Err(io_error(path, e)),
    }
}

/// The contents at `rel` under `root`, refusing links on the way.
pub fn read_current(root: &Path, rel: &str) -> Result<Current, WriteError> {
    let parts = components(rel)?;
    let mut path = root.to_path_buf();
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        let last = index + 1 == parts.len();
        match kind(&path)? {
            Kind::Missing => return Ok(Current::Missing),
            Kind::Dir if !last => {}
            Kind::File if last => return fs::read(&path).map(Current::File).map_err(|e| io_error(&path, e)),
            Kind::Dir | Kind::File => return Err(WriteError::NotRegular { path: path.display().to_string() }),
        }
    }
    Ok(Current::Missing)
}

/// Creates the parent folders of `rel` one by one, each a real folder.
fn real_parent(root: &Path, parts: &[&std::ffi::OsStr]) -> Result<PathBuf, WriteError> {
    let mut dir = root.to_path_buf();
    for part in parts {
        dir.push(part);
        if let Kind::Missing = kind(&dir)? {
            match fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_error(&dir, e)),
            }
        }
        match kind(&dir)? {
            Kind::Dir => {}
            Kind::Missing | Kind::File => return Err(WriteError::NotRegular { path: dir.display().to_string() }),
        }
    }
    Ok(dir)
}

/// A new file at `path`; fails if anything, a dangling link included, is there.
fn create_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Writes `contents` at `rel` under `root`: a new file, or an atomic
/// replacement of a regular file keeping its permissions.
pub fn write_file(root: &Path, rel: &str, contents: &[u8]) -> Result<(), WriteError> {
    let parts = components(rel)?;
    let (name, parents) = parts.split_last().ok_or_else(|| WriteError::NotRegular { path: rel.to_string() })?;
    let dir = real_parent(root, parents)?;
    let path = dir.join(name);
    match kind(&path)? {
        Kind::Missing => create_new(&path, contents).map_err(|e| io_error(&path, e)),
        Kind::Dir => Err(WriteError::NotRegular { path: path.display().to_string() }),
        Kind::File => replace(&dir, &path, contents),
    }
}

fn replace(dir: &Path, path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let permissions = fs::symlink_metadata(path).map_err(|e| io_error(path, e))?.permissions();
    let stem = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for attempt in 0..100 {
        let temp = dir.join(format!(".{stem}.shipshape-{}-{attempt}", std::process::id()));
        match create_new(&temp, contents) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(io_error(&temp, e));
            }
        }
        let renamed = fs::set_permissions(&temp, permissions).and_then(|()| fs::rename(&temp, path));
        if let Err(e) = renamed {
            let _ = fs::remove_file(&temp);
            return Err(io_error(path, e));
        }
        return Ok(());
    }
    Err(io_error(path, io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary name beside it")))
}

/// A new folder for this run's backups, `.shipshape/backup/<UTC time>`,
/// relative to the root; backups are git-ignored.
pub fn new_backup_dir(root: &Path) -> Result<String, WriteError> {
    if let Current::Missing = read_current(root, &format!("{BACKUP_DIR}/.gitignore"))? {
        write_file(root, &format!("{BACKUP_DIR}/.gitignore"), b"# Files `shipshape init --force` replaced.\n*\n")?;
    }
    let stamp = utc_stamp(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    for attempt in 1..100 {
        let rel =
            if attempt == 1 { format!("{BACKUP_DIR}/{stamp}") } else { format!("{BACKUP_DIR}/{stamp}-{attempt}") };
        if let Kind::Missing = kind(&root.join(&rel))? {
            return Ok(rel);
        }
    }
    Err(io_error(&root.join(BACKUP_DIR), io::Error::new(io::ErrorKind::AlreadyExists, "no free backup folder")))
}

/// `YYYYMMDDTHHMMSSZ` of seconds since the Unix epoch.
fn utc_stamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_dates() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        assert_eq!(utc_stamp(1_796_654_583), "20261207T144303Z");
    }

    #[test]
    fn paths_leaving_the_root_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        for rel in ["/etc/passwd", "../x", "a/../../x", ""] {
            assert!(write_file(dir.path(), rel, b"x").is_err(), "{rel}");
        }
        write_file(dir.path(), "./a/b/c.txt", b"x").expect("inside");
        assert_eq!(read_current(dir.path(), "a/b/c.txt").expect("read"), Current::File(b"x".to_vec()));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed() {
        let outside = tempfile::tempdir().expect("temp dir");
        let dir = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("deploy")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("gone"), dir.path().join("RUNBOOK.md")).expect("link");
        assert!(matches!(write_file(dir.path(), "deploy/x.yaml", b"x"), Err(WriteError::Symlink { .. })));
        assert!(matches!(read_current(dir.path(), "deploy/x.yaml"), Err(WriteError::Symlink { .. })));
        assert!(matches!(write_file(dir.path(), "RUNBOOK.md", b"x"), Err(WriteError::Symlink { .. })));
        assert!(std::fs::read_dir(outside.path()).expect("list").next().is_none());
    }

    #[test]
    fn a_replacement_keeps_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        write_file(dir.path(), "f", b"old").expect("write");
        write_file(dir.path(), "f", b"new").expect("replace");
        assert_eq!(std::fs::read(dir.path().join("f")).expect("read"), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }
}
