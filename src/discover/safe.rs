//! Reading a file without being fooled: the file type is checked with
//! `symlink_metadata` before anything opens it (a symlink is never followed,
//! a FIFO never opened, a device or folder refused), every folder between
//! the root and the file must be a real folder, the read is bounded by a
//! cap, and text that is not UTF-8 is named (UTF-16 says so).

use std::collections::HashSet;
use std::fs::Metadata;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Default cap on a plan, feature artifact, constitution or IaC file
/// (`[limits] max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Fixed cap on a configuration, rule or baseline file, and on an ignore file.
pub const CONFIG_CAP: u64 = 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: a symlink, FIFO, folder, device or socket (what
    /// it is), or a folder on the way that is a symlink (its path).
    NotRegular(String),
    /// Larger than the cap (size read so far, or the size the disk gives).
    TooLarge {
        size: u64,
        cap: u64,
    },
    /// The bytes are not UTF-8 text.
    NotText(String),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => {
                write!(
                    f,
                    "{what}: constable reads only regular files, and never through a symlink"
                )
            }
            ReadError::TooLarge { size, cap } => write!(
                f,
                "file is {} bytes, over the {cap}-byte cap",
                if *size > *cap {
                    size.to_string()
                } else {
                    format!("more than {cap}")
                }
            ),
            ReadError::NotText(m) => f.write_str(m),
            ReadError::Io(e) => write!(f, "cannot read file: {e}"),
        }
    }
}

/// What a file that is not regular is, for messages ("is a FIFO").
pub fn describe(m: &Metadata) -> Option<&'static str> {
    let t = m.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_symlink() {
        return Some("is a symlink");
    }
    if t.is_dir() {
        return Some("is a folder, not a file");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("is a FIFO (named pipe), not a file");
        }
        if t.is_char_device() {
            return Some("is a character device, not a file");
        }
        if t.is_block_device() {
            return Some("is a block device, not a file");
        }
        if t.is_socket() {
            return Some("is a socket, not a file");
        }
    }
    Some("is not a regular file")
}

/// The file's metadata when it is a regular file, not reached through a
/// symlink (its own name; folders above are `inside`'s job).
pub fn regular(path: &Path) -> Result<Metadata, ReadError> {
    let m = std::fs::symlink_metadata(path).map_err(ReadError::Io)?;
    match describe(&m) {
        None => Ok(m),
        Some(what) => Err(ReadError::NotRegular(what.to_string())),
    }
}

/// Every folder from `root` down to `path`'s parent is a real folder (no
/// symlink on the way), checked without following any link. `path` must
/// lie lexically under `root`.
pub fn inside(root: &Path, path: &Path) -> Result<(), ReadError> {
    inside_seen(root, path, None)
}

/// [`inside`], remembering the folders found real in `seen` (one run's
/// cache): a file whose parent folder was checked before costs no `lstat`.
pub fn inside_seen(root: &Path, path: &Path, seen: Option<&Seen>) -> Result<(), ReadError> {
    let parent = path.parent();
    if let (Some(seen), Some(parent)) = (seen, parent) {
        if seen.lock().is_ok_and(|s| s.contains(parent)) {
            return Ok(());
        }
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return Err(ReadError::NotRegular(
            "lies outside the repository root".to_string(),
        ));
    };
    let mut cur = root.to_path_buf();
    let parts: Vec<Component<'_>> = rel.components().collect();
    for c in parts.iter().take(parts.len().saturating_sub(1)) {
        match c {
            Component::Normal(s) => cur.push(s),
            Component::CurDir => continue,
            _ => {
                return Err(ReadError::NotRegular(
                    "lies outside the repository root".to_string(),
                ))
            }
        }
        let known = |cur: &PathBuf| seen.is_some_and(|s| s.lock().is_ok_and(|s| s.contains(cur)));
        if known(&cur) {
            continue;
        }
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_dir() => {
                if let Some(Ok(mut s)) = seen.map(|s| s.lock()) {
                    s.insert(cur.clone());
                }
            }
            Ok(m) if m.file_type().is_symlink() => {
                let shown = cur
                    .strip_prefix(root)
                    .unwrap_or(&cur)
                    .to_string_lossy()
                    .replace('\\', "/");
                return Err(ReadError::NotRegular(format!(
                    "lies under `{shown}`, which is a symlink"
                )));
            }
            Ok(_) => return Err(ReadError::NotRegular("has no folder above it".into())),
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(())
}

/// Open a file already checked to be regular. On Unix the open does not
/// follow a symlink and does not wait on a FIFO, so a file swapped between
/// the check and the open is still refused.
pub(crate) fn open(path: &Path) -> Result<std::fs::File, ReadError> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc_eloop()) {
            ReadError::NotRegular("is a symlink".into())
        } else {
            ReadError::Io(e)
        }
    })?;
    let m = f.metadata().map_err(ReadError::Io)?;
    match describe(&m) {
        None => Ok(f),
        Some(what) => Err(ReadError::NotRegular(what.to_string())),
    }
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

/// Read at most `cap` bytes of a regular file; a larger file is refused
/// (the reader stops at `cap + 1` bytes, so a growing file cannot fill
/// memory).
pub fn read_bytes(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let m = regular(path)?;
    if m.len() > cap {
        return Err(ReadError::TooLarge { size: m.len(), cap });
    }
    read_regular(path, &m, cap)
}

/// [`read_bytes`] of a file [`regular`] returned `m` for, at most `cap`
/// bytes (the file may have grown since).
pub fn read_regular(path: &Path, m: &Metadata, cap: u64) -> Result<Vec<u8>, ReadError> {
    let f = open(path)?;
    let mut buf = Vec::with_capacity(m.len().min(cap) as usize);
    f.take(cap + 1).read_to_end(&mut buf).map_err(ReadError::Io)?;
    if buf.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            size: buf.len() as u64,
            cap,
        });
    }
    Ok(buf)
}

/// Read a regular file as UTF-8 text, at most `cap` bytes.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    decode(read_bytes(path, cap)?).map_err(ReadError::NotText)
}

/// Bytes as UTF-8 text, or a message that says what they are instead:
/// UTF-16 (by its byte-order mark or its NUL bytes) is named as such.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(which) = utf16(&bytes) {
        return Err(format!(
            "file is UTF-16 ({which}), not UTF-8: convert it, e.g. `iconv -f UTF-16 -t UTF-8`"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        format!("file is not valid UTF-8 (first bad byte on line {line}, byte offset {at})")
    })
}

/// "little-endian, byte-order mark FF FE" and the like, when the bytes look
/// like UTF-16: a byte-order mark, or a NUL in every other byte of the start.
fn utf16(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some("little-endian, byte-order mark FF FE"),
        [0xFE, 0xFF, ..] => return Some("big-endian, byte-order mark FE FF"),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let odd_nul = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let even_nul = head.iter().step_by(2).filter(|b| **b == 0).count();
    // Mostly ASCII text: a NUL in (nearly) every other byte, few in the others.
    if odd_nul * 4 >= pairs * 3 && even_nul * 8 <= pairs {
        Some("little-endian, no byte-order mark")
    } else if even_nul * 4 >= pairs * 3 && odd_nul * 8 <= pairs {
        Some("big-endian, no byte-order mark")
    } else {
        None
    }
}

/// Where a symlink at `link` (inside `root`) points, resolved without
/// leaving the root: each hop's own link is read (never a target outside),
/// folders are followed only while they stay inside. None when it leads
/// outside the root or loops (`is_loop` tells which); otherwise the path
/// inside the root.
pub fn resolve_inside(root: &Path, link: &Path) -> Option<PathBuf> {
    resolve(root, link, None).ok()
}

/// [`resolve_inside`], remembering the folders found real in `seen` (one
/// run's cache), so that a folder on the way is looked at once per run.
pub fn resolve_inside_seen(root: &Path, link: &Path, seen: &Mutex<HashSet<PathBuf>>) -> Option<PathBuf> {
    resolve(root, link, Some(seen)).ok()
}

/// One run's cache of folders found to be real folders (not symlinks).
pub type Seen = Mutex<HashSet<PathBuf>>;

/// True when resolving `link` inside `root` goes round in a loop (more than
/// 40 links), rather than out of the root.
pub fn is_loop(root: &Path, link: &Path) -> bool {
    matches!(resolve(root, link, None), Err(Escape::Loop))
}

enum Escape {
    Outside,
    Loop,
}

fn resolve(root: &Path, link: &Path, seen: Option<&Mutex<HashSet<PathBuf>>>) -> Result<PathBuf, Escape> {
    use Escape::Outside;
    let mut pending: Vec<std::ffi::OsString> = Vec::new();
    let rel = link.strip_prefix(root).map_err(|_| Outside)?;
    for c in rel.components().rev() {
        match c {
            Component::Normal(s) => pending.push(s.to_os_string()),
            Component::CurDir => {}
            _ => return Err(Outside),
        }
    }
    let mut cur = root.to_path_buf();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        if part == ".." {
            if cur == root || !cur.pop() || !cur.starts_with(root) {
                return Err(Outside);
            }
            continue;
        }
        if part == "." {
            continue;
        }
        let next = cur.join(&part);
        let known = !pending.is_empty() && seen.is_some_and(|s| s.lock().is_ok_and(|s| s.contains(&next)));
        if known {
            cur = next;
            continue;
        }
        match std::fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                hops += 1;
                if hops > 40 {
                    return Err(Escape::Loop);
                }
                let target = std::fs::read_link(&next).map_err(|_| Outside)?;
                if target.is_absolute() {
                    let t = target.strip_prefix(root).map_err(|_| Outside)?;
                    cur = root.to_path_buf();
                    for c in t.components().rev() {
                        pending.push(c.as_os_str().to_os_string());
                    }
                } else {
                    for c in target.components().rev() {
                        match c {
                            Component::Normal(s) => pending.push(s.to_os_string()),
                            Component::ParentDir => pending.push("..".into()),
                            Component::CurDir => {}
                            _ => return Err(Outside),
                        }
                    }
                }
            }
            Ok(m) if m.file_type().is_dir() => {
                if let Some(Ok(mut s)) = seen.map(|s| s.lock()) {
                    s.insert(next.clone());
                }
                cur = next;
            }
            _ => cur = next,
        }
    }
    if cur.starts_with(root) {
        Ok(cur)
    } else {
        Err(Outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn symlinks_resolve_inside_without_leaving_the_root() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("constable-safe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("repo");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        symlink("a/b", root.join("in")).unwrap();
        symlink("../../outside", root.join("a/out")).unwrap();
        symlink("/etc", root.join("abs")).unwrap();
        symlink("loop2", root.join("loop1")).unwrap();
        symlink("loop1", root.join("loop2")).unwrap();
        assert_eq!(
            resolve_inside(&root, &root.join("in/c")),
            Some(root.join("a/b/c"))
        );
        assert_eq!(resolve_inside(&root, &root.join("a/out")), None);
        assert!(!is_loop(&root, &root.join("a/out")));
        assert_eq!(resolve_inside(&root, &root.join("abs/passwd")), None);
        assert_eq!(resolve_inside(&root, &root.join("loop1")), None);
        assert!(is_loop(&root, &root.join("loop1")));
        assert!(inside(&root, &root.join("in/c")).is_err());
        assert!(inside(&root, &root.join("a/b/c")).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn utf16_is_named() {
        let le: Vec<u8> = "a: 1\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert!(decode(le.clone()).unwrap_err().contains("UTF-16"));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert!(decode(bom).unwrap_err().contains("byte-order mark FF FE"));
        let be: Vec<u8> = "name = 1\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert!(decode(be).unwrap_err().contains("big-endian"));
        assert_eq!(decode(b"plain\n".to_vec()).unwrap(), "plain\n");
        let bad = decode(vec![b'a', b'\n', 0xC3, b'x']).unwrap_err();
        assert!(bad.contains("line 2") && !bad.contains("UTF-16"), "{bad}");
    }
}
