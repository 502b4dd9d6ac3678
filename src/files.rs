//! The one door between gradscope and the files a user names: reading at
//! most a bound from a regular file (never a folder, a named pipe or a
//! device, which could block or read without end), writing a file so that
//! a failure never leaves a partial file behind and never replaces
//! something that is not a regular file, and writing standard output so
//! that a reader that went away or a full disk is an answer, not a panic.
//! (What the errors mean, in words, is in `explain`.)

use std::fs::{File, FileType};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a path names, when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Folder,
    NamedPipe,
    Device,
    Socket,
    /// Anything else the platform has.
    Other,
}

impl FileKind {
    /// What `file_type` is, or `None` for a regular file.
    pub fn of(file_type: FileType) -> Option<FileKind> {
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(FileKind::Folder);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Some(FileKind::NamedPipe);
            }
            if file_type.is_char_device() || file_type.is_block_device() {
                return Some(FileKind::Device);
            }
            if file_type.is_socket() {
                return Some(FileKind::Socket);
            }
        }
        Some(FileKind::Other)
    }

    /// The English words, for `Display`.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Folder => "a folder",
            FileKind::NamedPipe => "a named pipe",
            FileKind::Device => "a device",
            FileKind::Socket => "a socket",
            FileKind::Other => "a special file",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A path that names something other than a regular file, where gradscope
/// reads or replaces a file. Travels inside an `io::Error` from
/// `write_atomically` (see `not_regular_inside`).
#[derive(Debug, thiserror::Error)]
#[error("{} is {kind}, not a regular file", path.display())]
pub struct NotRegularFile {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// The `NotRegularFile` carried by an I/O error, if any.
pub fn not_regular_inside(err: &std::io::Error) -> Option<&NotRegularFile> {
    err.get_ref()?.downcast_ref()
}

/// Why `read_limited` read nothing.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    NotRegular(NotRegularFile),
    /// `bytes` is the size the system reports, or the bytes read when a
    /// file grows (or reports 0, as in /proc) past the bound.
    #[error("the file is {bytes} bytes, more than {max}")]
    TooLarge { bytes: u64, max: u64 },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The whole of a regular file of at most `max_bytes`. The path is checked
/// before it is opened (so a named pipe never blocks the caller) and the
/// open file again (in case the path changed in between); at most
/// `max_bytes + 1` bytes are ever read.
pub fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let not_regular = |kind| {
        ReadError::NotRegular(NotRegularFile {
            path: path.to_path_buf(),
            kind,
        })
    };
    if let Some(kind) = FileKind::of(std::fs::metadata(path)?.file_type()) {
        return Err(not_regular(kind));
    }
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    if let Some(kind) = FileKind::of(metadata.file_type()) {
        return Err(not_regular(kind));
    }
    if metadata.len() > max_bytes {
        return Err(ReadError::TooLarge {
            bytes: metadata.len(),
            max: max_bytes,
        });
    }
    let mut content = Vec::with_capacity(metadata.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut content)?;
    if content.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            bytes: content.len() as u64,
            max: max_bytes,
        });
    }
    Ok(content)
}

/// Distinguishes the temporary files of one process.
static TEMPORARY_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file's name for this process: short, so it fits beside any
/// valid name, and recognised by `is_temporary_name` when a killed run
/// leaves one behind.
fn temporary_name() -> String {
    let n = TEMPORARY_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".gs-{}-{n}.tmp", std::process::id())
}

/// Whether `name` is one of `write_atomically`'s temporary files (this
/// version's `.gs-PID-N.tmp`, or an older version's `.NAME.PID.tmp`).
pub fn is_temporary_name(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((pid, n)) = inner.strip_prefix("gs-").and_then(|r| r.split_once('-')) {
        return digits(pid) && digits(n);
    }
    inner
        .rsplit_once('.')
        .is_some_and(|(stem, pid)| !stem.is_empty() && digits(pid))
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames
/// it over `path`. On any error the temporary file is removed and `path` is
/// untouched. A `path` that exists and is not a regular file (a folder, a
/// named pipe, a device such as /dev/null) is refused, with a
/// `NotRegularFile` inside the error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    }
    refuse_special_target(path)?;
    let tmp = dir.join(temporary_name());
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// An error if `path` exists and is not a regular file (symbolic links are
/// followed: a link to a device is refused).
pub fn refuse_special_target(path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) => match FileKind::of(metadata.file_type()) {
            None => Ok(()),
            Some(kind) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                NotRegularFile {
                    path: path.to_path_buf(),
                    kind,
                },
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Standard output could not be written (for a reason other than its
/// reader going away).
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct StdoutError(pub std::io::Error);

/// The one way gradscope writes to standard output. Every write returns
/// its error instead of panicking as `println!` does. A reader that went
/// away (`gradscope lessons | head -1`) is not an error: the rest of the
/// output is simply no longer wanted, as for any Unix tool, so later
/// writes are skipped.
pub struct StandardOutput {
    out: std::io::BufWriter<std::io::Stdout>,
    reader_gone: bool,
}

impl Default for StandardOutput {
    fn default() -> Self {
        StandardOutput {
            out: std::io::BufWriter::new(std::io::stdout()),
            reader_gone: false,
        }
    }
}

impl StandardOutput {
    /// `text` and a line break.
    pub fn line(&mut self, text: impl std::fmt::Display) -> Result<(), StdoutError> {
        self.text(format_args!("{text}\n"))
    }

    /// `text` as it is.
    pub fn text(&mut self, text: impl std::fmt::Display) -> Result<(), StdoutError> {
        if self.reader_gone {
            return Ok(());
        }
        let result = write!(self.out, "{text}");
        self.outcome(result)
    }

    /// Flushes what is buffered: call it once at the end (dropping the
    /// writer would hide a full disk).
    pub fn finish(mut self) -> Result<(), StdoutError> {
        if self.reader_gone {
            return Ok(());
        }
        let result = self.out.flush();
        self.outcome(result)
    }

    fn outcome(&mut self, result: std::io::Result<()>) -> Result<(), StdoutError> {
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.reader_gone = true;
                Ok(())
            }
            Err(e) => Err(StdoutError(e)),
        }
    }
}

/// Writes all of `text` to standard output (see `StandardOutput`).
pub fn write_stdout(text: &str) -> Result<(), StdoutError> {
    let mut stdout = StandardOutput::default();
    stdout.text(text)?;
    stdout.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        write_atomically(&path, b"hello").unwrap();
        write_atomically(&path, b"bye").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"bye");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no/such/dir/a.bin");
        assert!(write_atomically(&missing, b"x").is_err());
    }

    #[test]
    fn reads_are_bounded_and_refuse_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_limited(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_limited(&path, 4),
            Err(ReadError::TooLarge { bytes: 5, max: 4 })
        ));
        assert!(matches!(
            read_limited(dir.path(), 5),
            Err(ReadError::NotRegular(NotRegularFile {
                kind: FileKind::Folder,
                ..
            }))
        ));
        assert!(matches!(
            read_limited(&dir.path().join("none"), 5),
            Err(ReadError::Io(_))
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_refused_before_a_byte_is_read() {
        for device in ["/dev/zero", "/dev/null"] {
            assert!(matches!(
                read_limited(Path::new(device), 1 << 20),
                Err(ReadError::NotRegular(NotRegularFile {
                    kind: FileKind::Device,
                    ..
                }))
            ));
        }
        let error = write_atomically(Path::new("/dev/null"), b"x").unwrap_err();
        assert_eq!(
            not_regular_inside(&error).map(|e| e.kind),
            Some(FileKind::Device)
        );
    }

    #[test]
    fn temporary_names_are_recognised() {
        assert!(is_temporary_name(&temporary_name()));
        assert!(is_temporary_name(".model.safetensors.12345.tmp"));
        assert!(!is_temporary_name("model.safetensors"));
        assert!(!is_temporary_name(".notes.tmp"));
        assert!(!is_temporary_name(".gs-1-x.tmp"));
    }
}
