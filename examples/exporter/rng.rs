//! xorshift64*: deterministic, dependency-free randomness for the simulation.

pub struct Rng(u64);

impl Rng {
    /// The default stream, or one of its own per engine name (so engines of
    /// a fleet trade differently).
    pub fn for_engine(engine: Option<&str>) -> Self {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        if let Some(name) = engine {
            // FNV-1a of the name, folded into the default seed.
            let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
            for byte in name.bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3);
            }
            seed ^= hash | 1;
        }
        Self(seed)
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        #[allow(clippy::cast_precision_loss)]
        let unit = bits as f64 / (1u64 << 53) as f64;
        unit
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(1e-12);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A uniform index below `len` (which must not be 0).
    pub fn index(&mut self, len: usize) -> usize {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = (self.next_f64() * len as f64) as usize;
        i.min(len - 1)
    }
}
