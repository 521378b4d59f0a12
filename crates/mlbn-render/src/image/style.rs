//! Colours and themes. The link palette is the seed's (Part 3.4); the dark theme is tuned to
//! sit on Discord's dark chat background (#313338) without looking like a hole in it.

use super::view::Theme;

/// An opaque sRGB colour. Fainter variants are mixed with the background up front instead of
/// using alpha, so overlapping shapes never double-blend into darker seams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const fn hex(v: u32) -> Self {
        Self((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    /// `self` at `amount` (0..=1) over `bg`.
    pub fn mix(self, bg: Rgb, amount: f32) -> Rgb {
        let a = amount.clamp(0.0, 1.0);
        let m = |f: u8, b: u8| (f32::from(b) + (f32::from(f) - f32::from(b)) * a).round() as u8;
        Rgb(m(self.0, bg.0), m(self.1, bg.1), m(self.2, bg.2))
    }
}

/// Seed palette by bandwidth tier.
pub const TIER_GREEN: Rgb = Rgb::hex(0x4ade80);
pub const TIER_BLUE: Rgb = Rgb::hex(0x60a5fa);
pub const TIER_YELLOW: Rgb = Rgb::hex(0xfbbf24);
pub const TIER_RED: Rgb = Rgb::hex(0xf87171);

/// Bandwidth tier of a link, from the seed: ≥ 300 GB/s NVLink class, 32–300 PCIe 5 class,
/// 8–32 PCIe 4 class, < 8 slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Nvlink,
    Pcie5,
    Pcie4,
    Slow,
}

impl Tier {
    pub fn of(bw_gbps: f64) -> Tier {
        if bw_gbps >= 300.0 {
            Tier::Nvlink
        } else if bw_gbps >= 32.0 {
            Tier::Pcie5
        } else if bw_gbps >= 8.0 {
            Tier::Pcie4
        } else {
            // NaN lands here too: an unknown bandwidth is drawn as the slow, red tier.
            Tier::Slow
        }
    }

    pub fn color(self) -> Rgb {
        match self {
            Tier::Nvlink => TIER_GREEN,
            Tier::Pcie5 => TIER_BLUE,
            Tier::Pcie4 => TIER_YELLOW,
            Tier::Slow => TIER_RED,
        }
    }
}

/// Everything a picture needs to know about its theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub bg: Rgb,
    pub panel: Rgb,
    pub card: Rgb,
    pub card_border: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub faint: Rgb,
    pub grid: Rgb,
    /// Bottleneck device outline and limiting-link halo.
    pub hot: Rgb,
    pub mem_used: Rgb,
    pub mem_free: Rgb,
    pub overflow: Rgb,
    pub accent: Rgb,
    pub accent2: Rgb,
    pub good: Rgb,
    /// Memory chart segments: weights, KV cache, activations, overhead.
    pub seg: [Rgb; 4],
}

impl Palette {
    pub fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Dark => Palette {
                bg: Rgb::hex(0x1e1f22),
                panel: Rgb::hex(0x2b2d31),
                card: Rgb::hex(0x313338),
                card_border: Rgb::hex(0x4e5058),
                text: Rgb::hex(0xf2f3f5),
                muted: Rgb::hex(0xb5bac1),
                faint: Rgb::hex(0x80848e),
                grid: Rgb::hex(0x3f4147),
                hot: Rgb::hex(0xfb923c),
                mem_used: Rgb::hex(0xa78bfa),
                mem_free: Rgb::hex(0x404249),
                overflow: TIER_RED,
                accent: Rgb::hex(0x60a5fa),
                accent2: Rgb::hex(0xc084fc),
                good: TIER_GREEN,
                seg: [
                    Rgb::hex(0x818cf8),
                    Rgb::hex(0x2dd4bf),
                    Rgb::hex(0xf472b6),
                    Rgb::hex(0x94a3b8),
                ],
            },
            Theme::Light => Palette {
                bg: Rgb::hex(0xffffff),
                panel: Rgb::hex(0xf6f7f9),
                card: Rgb::hex(0xffffff),
                card_border: Rgb::hex(0xc9ccd1),
                text: Rgb::hex(0x1e1f22),
                muted: Rgb::hex(0x4e5058),
                faint: Rgb::hex(0x80848e),
                grid: Rgb::hex(0xe3e5e8),
                hot: Rgb::hex(0xea580c),
                mem_used: Rgb::hex(0x7c3aed),
                mem_free: Rgb::hex(0xe3e5e8),
                overflow: Rgb::hex(0xdc2626),
                accent: Rgb::hex(0x2563eb),
                accent2: Rgb::hex(0x9333ea),
                good: Rgb::hex(0x16a34a),
                seg: [
                    Rgb::hex(0x6366f1),
                    Rgb::hex(0x14b8a6),
                    Rgb::hex(0xec4899),
                    Rgb::hex(0x94a3b8),
                ],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_seed_thresholds() {
        assert_eq!(Tier::of(900.0), Tier::Nvlink);
        assert_eq!(Tier::of(300.0), Tier::Nvlink);
        assert_eq!(Tier::of(299.9), Tier::Pcie5);
        assert_eq!(Tier::of(32.0), Tier::Pcie5);
        assert_eq!(Tier::of(31.5), Tier::Pcie4);
        assert_eq!(Tier::of(8.0), Tier::Pcie4);
        assert_eq!(Tier::of(1.25), Tier::Slow);
        assert_eq!(Tier::of(f64::NAN), Tier::Slow);
        assert_eq!(Tier::Nvlink.color(), Rgb(0x4a, 0xde, 0x80));
    }

    #[test]
    fn mixing_moves_towards_the_background() {
        let c = Rgb(200, 100, 0).mix(Rgb(0, 0, 0), 0.5);
        assert_eq!(c, Rgb(100, 50, 0));
        assert_eq!(Rgb(1, 2, 3).mix(Rgb(9, 9, 9), 1.0), Rgb(1, 2, 3));
    }
}
