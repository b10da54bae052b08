//! Prints a few numbers through its dependencies, so that each one is linked in.

use smallvec::SmallVec;

fn main() {
    let mut v: SmallVec<[u32; 4]> = SmallVec::new();
    v.extend([1, 2, 3, 40_000]);
    let mut buf = itoa::Buffer::new();
    for n in &v {
        println!("{} {}", buf.format(*n), hex::encode(n.to_be_bytes()));
    }
}
