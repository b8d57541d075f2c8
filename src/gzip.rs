//! gzip answers that compress the shared parts of an answer once, not on every request.
//!
//! Most of a nearest answer is views that are the same in every answer that includes them (a
//! centre's record, a treatment topic, a registry: [`crate::views::Shared`]). Compressing the
//! whole answer on every request spent about 100 µs of a 172 µs request in the compressor
//! (docs/PERFORMANCE.md). Here each shared view keeps, next to its JSON, the same JSON as raw
//! deflate blocks made once, at the best level: they end on a byte boundary and refer to
//! nothing before them, so they can be copied into any gzip stream. An answer is then written
//! as one gzip member in which the views' blocks are copied, and the short runs of bytes around
//! them (field names, distances, links) are stored as they are; a long run (over a kilobyte)
//! is compressed, ended by a full flush so that it refers to nothing before it either. The
//! CRC-32 of the whole is carried through the runs' bytes and combined with each view's CRC,
//! by one multiplication with a factor stored with the view ([`crc32_shift`]).
//!
//! A view is recognised as serde_json writes it: a raw value is written in one `write` call of
//! exactly its bytes, and [`Shared`](crate::views::Shared) says which view it is about to
//! write (only while a gzip answer is being written, on this thread).

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::sync::{Arc, OnceLock};

use flate2::{Compress, Compression, FlushCompress, Status};

/// JSON serialised once, with its compressed form made the first time a gzip answer needs it.
pub struct PackedJson {
    json: Box<serde_json::value::RawValue>,
    deflate: OnceLock<Packed>,
}

/// A view's compressed form and what its CRC-32 needs.
struct Packed {
    blocks: Box<[u8]>,
    /// The CRC-32 of the JSON.
    crc: u32,
    /// x^(8 × its length) mod the CRC polynomial: shifts a CRC past the JSON.
    shift: u32,
}

impl PackedJson {
    pub fn new(json: Box<serde_json::value::RawValue>) -> Self {
        Self {
            json,
            deflate: OnceLock::new(),
        }
    }

    pub fn raw(&self) -> &serde_json::value::RawValue {
        &self.json
    }

    /// Raw deflate blocks of the JSON that end on a byte boundary with no history (a full
    /// flush), and the JSON's CRC-32.
    fn deflate(&self) -> &Packed {
        self.deflate.get_or_init(|| {
            let bytes = self.json.get().as_bytes();
            let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
            BEST.with(|cell| {
                let mut z = cell.borrow_mut();
                z.reset();
                deflate(&mut z, bytes, &mut out, FlushCompress::Full);
            });
            Packed {
                blocks: out.into_boxed_slice(),
                crc: crc32fast::hash(bytes),
                shift: crc32_shift(bytes.len() as u64),
            }
        })
    }

    /// Called by the view just before serde_json writes it: while a gzip answer is being
    /// written on this thread, the writer will copy the compressed form instead.
    pub fn offer(self: &Arc<Self>) {
        if WRITING.get() {
            OFFERED.with(|slot| *slot.borrow_mut() = Some(self.clone()));
        }
    }
}

thread_local! {
    /// A gzip answer is being written on this thread.
    static WRITING: Cell<bool> = const { Cell::new(false) };
    /// The view about to be written.
    static OFFERED: RefCell<Option<Arc<PackedJson>>> = const { RefCell::new(None) };
    /// This thread's raw deflate compressor for the bytes between views (reset per answer).
    static RAW: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    /// This thread's compressor for the views: they are compressed once a snapshot, so at the
    /// best level, as their bytes go out on every answer. One per thread and reset, not one
    /// per view: each holds a few hundred kilobytes of state (with one per view, a minute of
    /// gzip load with an import every 3 s ended at 31 MB resident, against 25 MB with this).
    static BEST: RefCell<Compress> = RefCell::new(Compress::new(Compression::best(), false));
}

/// The view offered for exactly these bytes, if any (taken from the slot).
fn offered_for(buf: &[u8]) -> Option<Arc<PackedJson>> {
    OFFERED.with(|slot| {
        let mut slot = slot.borrow_mut();
        let is_it = slot.as_ref().is_some_and(|p| {
            let json = p.json.get().as_bytes();
            json.as_ptr() == buf.as_ptr() && json.len() == buf.len()
        });
        if is_it {
            slot.take()
        } else {
            None
        }
    })
}

/// Compress `input` into `out` with `flush` (`Full` or `Finish`), growing `out` as needed.
pub(crate) fn deflate(z: &mut Compress, input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let start = z.total_in();
    loop {
        out.reserve(input.len() / 2 + 64);
        let done = (z.total_in() - start) as usize;
        let status = z
            .compress_vec(&input[done..], out, flush)
            .expect("deflate of an in-memory buffer cannot fail");
        let consumed = (z.total_in() - start) as usize == input.len();
        match status {
            Status::StreamEnd => break,
            // Flushed once all input is in and the output did not fill up.
            _ if consumed && flush != FlushCompress::Finish && out.len() < out.capacity() => break,
            _ => {}
        }
    }
}

/// The gzip header: deflate, no name or time, unknown system.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

struct GzipJson<'z> {
    z: &'z mut Compress,
    /// The compressor has been reset for this answer (only done once a run is compressed: a
    /// reset clears its tables, and most answers store every run).
    z_ready: bool,
    out: Vec<u8>,
    /// Bytes written since the last view, not yet compressed.
    run: Vec<u8>,
    /// The CRC-32 and length of the JSON so far.
    crc: u32,
    amount: u64,
}

/// The CRC-32 polynomial, bit-reversed (as gzip computes it).
const CRC_POLY: u32 = 0xedb8_8320;

/// a(x) × b(x) modulo the CRC polynomial, in the CRC's bit-reversed form (as zlib's
/// `multmodp`).
fn crc32_multiply(a: u32, mut b: u32) -> u32 {
    let mut m: u32 = 1 << 31;
    let mut product = 0;
    while m != 0 {
        if a & m != 0 {
            product ^= b;
        }
        m >>= 1;
        b = if b & 1 != 0 {
            (b >> 1) ^ CRC_POLY
        } else {
            b >> 1
        };
    }
    product
}

/// x^(8 × `len`) modulo the CRC polynomial: multiplying a CRC by it shifts the CRC past `len`
/// bytes, so that the CRC of `a` then `b` is `crc32_multiply(crc32_shift(len(b)), crc(a)) ^
/// crc(b)` (zlib's `crc32_combine`).
fn crc32_shift(len: u64) -> u32 {
    // x^(2^k) for k = 3, 4, ...: x^8, x^16, ... (x^1 is 1 << 30 in this form).
    let mut power = 1u32 << 30;
    for _ in 0..3 {
        power = crc32_multiply(power, power);
    }
    let mut shift = 1u32 << 31; // x^0
    let mut n = len;
    while n != 0 {
        if n & 1 != 0 {
            shift = crc32_multiply(power, shift);
        }
        power = crc32_multiply(power, power);
        n >>= 1;
    }
    shift
}

/// Runs of bytes between views shorter than this are stored, not compressed: in a nearest
/// answer they are a few dozen bytes each (field names, a distance, a link), and compressing
/// each with a full flush costs more (the flush clears the compressor's tables) than the bytes
/// it would save.
const STORE_BELOW: usize = 1024;

/// `data` as stored (uncompressed) deflate blocks, from a byte boundary; not final.
fn stored(out: &mut Vec<u8>, data: &[u8]) {
    for chunk in data.chunks(usize::from(u16::MAX)) {
        let len = chunk.len() as u16;
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
}

/// An empty final stored block: the end of the deflate stream.
const LAST_BLOCK: [u8; 5] = [1, 0, 0, 0xff, 0xff];

impl GzipJson<'_> {
    /// Close the run of bytes since the last view: compressed when long, stored when short;
    /// `last` ends the deflate stream.
    fn end_run(&mut self, last: bool) {
        if self.run.len() >= STORE_BELOW {
            let flush = if last {
                FlushCompress::Finish
            } else {
                FlushCompress::Full
            };
            if !self.z_ready {
                self.z.reset();
                self.z_ready = true;
            }
            deflate(self.z, &self.run, &mut self.out, flush);
        } else {
            stored(&mut self.out, &self.run);
            if last {
                self.out.extend_from_slice(&LAST_BLOCK);
            }
        }
        let mut crc = crc32fast::Hasher::new_with_initial(self.crc);
        crc.update(&self.run);
        self.crc = crc.finalize();
        self.amount += self.run.len() as u64;
        self.run.clear();
    }
}

impl Write for GzipJson<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match offered_for(buf) {
            Some(view) => {
                self.end_run(false);
                let packed = view.deflate();
                self.out.extend_from_slice(&packed.blocks);
                self.crc = crc32_multiply(packed.shift, self.crc) ^ packed.crc;
                self.amount += buf.len() as u64;
            }
            None => self.run.extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Clears the thread's flag and slot however serialisation ends.
struct Writing;

impl Writing {
    fn start() -> Self {
        WRITING.set(true);
        Writing
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.set(false);
        OFFERED.with(|slot| slot.borrow_mut().take());
    }
}

/// `value` as JSON in one gzip member, with the shared views' compressed forms copied in.
/// Returns the gzip bytes and the length of the JSON they hold.
pub fn to_gzip_json<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<(Vec<u8>, usize), serde_json::Error> {
    RAW.with(|cell| {
        let mut z = cell.borrow_mut();
        let mut w = GzipJson {
            z: &mut z,
            z_ready: false,
            out: Vec::with_capacity(8 * 1024),
            run: Vec::with_capacity(2 * 1024),
            crc: 0,
            amount: 0,
        };
        w.out.extend_from_slice(&HEADER);
        {
            let _writing = Writing::start();
            serde_json::to_writer(&mut w, value)?;
        }
        w.end_run(true);
        // The trailer: the CRC-32, and the length modulo 2^32.
        w.out.extend_from_slice(&w.crc.to_le_bytes());
        w.out.extend_from_slice(&(w.amount as u32).to_le_bytes());
        Ok((w.out, w.amount as usize))
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::views::Shared;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("a valid gzip member");
        out
    }

    #[test]
    fn an_answer_after_one_that_ended_the_stream_is_whole() {
        // One long run and nothing else: compressed, and the stream ended with it, which
        // leaves the thread's compressor finished until it is reset.
        let whole = "Teenage and young adult unit; ".repeat(200);
        let long = "LS9 7TF, ".repeat(400);
        for _ in 0..3 {
            let (gz, len) = to_gzip_json(&whole).unwrap();
            let plain = serde_json::to_vec(&whole).unwrap();
            assert_eq!(len, plain.len());
            assert_eq!(gunzip(&gz), plain);
            decodes_to_the_plain_json(&long);
        }
    }

    #[test]
    fn crcs_combine_as_the_crc_of_the_whole() {
        let mut sequence = crate::fuzzing::Sequence::new(0x5851_F42D_4C95_7F2D);
        let bytes: Vec<u8> = (0..70_000).map(|_| sequence.next_u64() as u8).collect();
        for _ in 0..300 {
            let a = (sequence.next_u64() % 70_000) as usize;
            let b = a + (sequence.next_u64() % (70_000 - a as u64 + 1)) as usize;
            let (head, tail) = (&bytes[..a], &bytes[a..b]);
            let combined = crc32_multiply(crc32_shift(tail.len() as u64), crc32fast::hash(head))
                ^ crc32fast::hash(tail);
            assert_eq!(combined, crc32fast::hash(&bytes[..b]), "{a}..{b}");
        }
        // Nothing after: the CRC is unchanged.
        assert_eq!(crc32_multiply(crc32_shift(0), 0x1234_5678), 0x1234_5678);
    }

    #[derive(serde::Serialize)]
    struct View {
        name: String,
        notes: String,
    }

    fn view(i: usize) -> Shared<View> {
        Shared::new(View {
            name: format!("Centre number {i}, with a \"quoted\" name"),
            notes: "Teenage and young adult unit; ".repeat(i % 7 + 1),
        })
    }

    #[derive(serde::Serialize)]
    struct Answer<'a> {
        location: &'a str,
        results: Vec<(f64, Shared<View>, String)>,
        topics: Vec<Shared<View>>,
        registry: Option<Shared<View>>,
    }

    #[test]
    fn decodes_to_the_plain_json_with_views_between_and_side_by_side() {
        // Short runs between views (stored), and long ones (compressed with a full flush),
        // one answer after another on this thread: the compressor, reset only when a run is
        // compressed, must start each answer afresh.
        let (short, long) = ("LS9 7TF".to_string(), "LS9 7TF, ".repeat(400));
        for location in [&short, &long, &long, &short, &long] {
            decodes_to_the_plain_json(location);
        }
    }

    fn decodes_to_the_plain_json(location: &str) {
        let views: Vec<Shared<View>> = (0..12).map(view).collect();
        let answer = Answer {
            location,
            results: (0..5)
                .map(|i| (i as f64 * 1.25, views[i].clone(), format!("link {i}")))
                .collect(),
            // Views next to each other (no bytes between some of them), and one repeated.
            topics: vec![
                views[5].clone(),
                views[6].clone(),
                views[6].clone(),
                views[0].clone(),
            ],
            // A view made for this answer only.
            registry: Some(view(99)),
        };
        let plain = serde_json::to_vec(&answer).unwrap();
        let (gz, len) = to_gzip_json(&answer).unwrap();
        assert_eq!(len, plain.len());
        assert_eq!(gunzip(&gz), plain);
        // Again on the same thread, after the compressor was used: the same bytes.
        let (again, _) = to_gzip_json(&answer).unwrap();
        assert_eq!(again, gz);
        // And smaller than the JSON, though each small view here is compressed on its own.
        assert!(gz.len() < plain.len(), "{} of {}", gz.len(), plain.len());
    }

    #[test]
    fn answers_without_views_and_empty_ones_are_valid_members() {
        for value in [
            serde_json::json!({}),
            serde_json::json!({"a": "b".repeat(5000), "n": [1, 2, 3]}),
        ] {
            let (gz, len) = to_gzip_json(&value).unwrap();
            let plain = serde_json::to_vec(&value).unwrap();
            assert_eq!((gunzip(&gz), len), (plain.clone(), plain.len()));
        }
    }

    #[test]
    fn plain_serialisation_is_untouched_and_leaves_nothing_offered() {
        let v = view(3);
        let plain = serde_json::to_vec(&vec![v.clone(), v.clone()]).unwrap();
        assert!(OFFERED.with(|s| s.borrow().is_none()));
        let (gz, _) = to_gzip_json(&vec![v.clone()]).unwrap();
        assert!(!WRITING.get());
        assert!(OFFERED.with(|s| s.borrow().is_none()));
        assert_eq!(gunzip(&gz), serde_json::to_vec(&vec![v]).unwrap());
        assert!(plain.starts_with(b"[{\"name\""));
    }
}
