//! The one palette every frame of an animation shares (GIF's global colour
//! table, 256 entries), so a colour never flickers from frame to frame and
//! a pixel that did not change keeps its index (the frames then store only
//! what changed).
//!
//! The colours are counted on a few sample frames. When they number 255 or
//! fewer (a figure of lines on white, drawn crisply), every one is kept
//! exactly. Otherwise the figures' own colours (series, markers, class
//! regions) and then the most frequent ones are kept exactly, and NeuQuant
//! (`color_quant`) learns the rest from what is left, mostly the blends
//! of anti-aliased edges and the shades of a colour ramp. A pixel takes
//! its exact entry, or else the nearest one.

use std::collections::HashMap;

use color_quant::NeuQuant;

use crate::figures::model::{Figure, Rgb};

/// The index of "unchanged since the last frame": the last entry.
pub(super) const TRANSPARENT: u8 = 255;

/// Real colours in the palette (one entry is the transparent one).
const COLOURS: usize = 255;

/// Entries NeuQuant learns when there are too many colours to keep.
const LEARNT: usize = 64;

/// Pixels NeuQuant is taught per colour at most, so the few colours of
/// large areas (already exact) do not crowd out the blends.
const TEACH_PER_COLOUR: u64 = 32;

/// Colours remembered with their nearest entry; past this the memory is
/// cleared rather than grown (a long run of new shades).
const MEMORY: usize = 1 << 20;

/// The colours of sample frames, and those the figures name.
#[derive(Default)]
pub(super) struct Census {
    counts: HashMap<[u8; 3], u64>,
    named: Vec<[u8; 3]>,
}

impl Census {
    /// Counts the colours of opaque RGBA pixels (tiny-skia's, on white).
    pub(super) fn count(&mut self, rgba: &[u8]) {
        let mut last = [0u8; 3];
        let mut run = 0u64;
        for px in rgba.chunks_exact(4) {
            let rgb = [px[0], px[1], px[2]];
            if rgb == last {
                run += 1;
                continue;
            }
            if run > 0 {
                *self.counts.entry(last).or_default() += run;
            }
            last = rgb;
            run = 1;
        }
        if run > 0 {
            *self.counts.entry(last).or_default() += run;
        }
    }

    /// Keeps the colours `figure` names exactly, where there is room.
    pub(super) fn name_colours(&mut self, figure: &Figure) {
        let mut add = |Rgb(r, g, b): Rgb| {
            if !self.named.contains(&[r, g, b]) {
                self.named.push([r, g, b]);
            }
        };
        figure.series.iter().for_each(|s| add(s.color));
        figure.markers.iter().for_each(|m| add(m.color));
        if let Some(hm) = &figure.heatmap {
            hm.classes.iter().copied().for_each(&mut add);
        }
    }
}

/// The shared palette and the map from a colour to its entry.
pub(super) struct Palette {
    colours: Vec<[u8; 3]>,
    memory: HashMap<[u8; 3], u8>,
}

impl Palette {
    pub(super) fn new(census: Census) -> Palette {
        let mut counted: Vec<([u8; 3], u64)> = census.counts.into_iter().collect();
        // Most frequent first; ties in colour order, so the palette is the
        // same on every run.
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut colours: Vec<[u8; 3]> = Vec::with_capacity(COLOURS);
        let distinct = counted.len()
            + census
                .named
                .iter()
                .filter(|c| !counted.iter().any(|(k, _)| k == *c))
                .count();
        let exact = distinct <= COLOURS;
        let keep = if exact { COLOURS } else { COLOURS - LEARNT };
        for colour in census
            .named
            .iter()
            .copied()
            .chain(counted.iter().map(|(c, _)| *c))
        {
            if colours.len() == keep {
                break;
            }
            if !colours.contains(&colour) {
                colours.push(colour);
            }
        }
        if !exact {
            let mut teach = Vec::new();
            for (colour, count) in &counted {
                if !colours.contains(colour) {
                    for _ in 0..(*count).min(TEACH_PER_COLOUR) {
                        teach.extend_from_slice(&[colour[0], colour[1], colour[2], 255]);
                    }
                }
            }
            if !teach.is_empty() {
                let learnt = NeuQuant::new(10, LEARNT, &teach).color_map_rgb();
                for rgb in learnt.chunks_exact(3) {
                    colours.push([rgb[0], rgb[1], rgb[2]]);
                }
            }
        }
        colours.truncate(COLOURS);
        if colours.is_empty() {
            colours.push([255, 255, 255]);
        }
        let memory = colours
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (*c, i as u8))
            .collect();
        Palette { colours, memory }
    }

    /// The global colour table: 256 RGB triples, the last transparent.
    pub(super) fn table(&self) -> Vec<u8> {
        let mut table: Vec<u8> = self.colours.iter().flatten().copied().collect();
        table.resize(256 * 3, 0);
        table
    }

    /// The entry of every pixel of opaque RGBA `rgba`, into `out`.
    pub(super) fn index(&mut self, rgba: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.reserve(rgba.len() / 4);
        let mut last: Option<([u8; 3], u8)> = None;
        for px in rgba.chunks_exact(4) {
            let rgb = [px[0], px[1], px[2]];
            let index = match last {
                Some((colour, index)) if colour == rgb => index,
                _ => {
                    let index = self.entry(rgb);
                    last = Some((rgb, index));
                    index
                }
            };
            out.push(index);
        }
    }

    fn entry(&mut self, rgb: [u8; 3]) -> u8 {
        if let Some(&index) = self.memory.get(&rgb) {
            return index;
        }
        let index = nearest(&self.colours, rgb);
        if self.memory.len() >= MEMORY {
            self.memory.clear();
            for (i, c) in self.colours.iter().enumerate().rev() {
                self.memory.insert(*c, i as u8);
            }
        }
        self.memory.insert(rgb, index);
        index
    }
}

/// The entry closest to `rgb`, weighting green most as the eye does.
fn nearest(colours: &[[u8; 3]], rgb: [u8; 3]) -> u8 {
    let distance = |c: &[u8; 3]| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        2 * d(c[0], rgb[0]) + 4 * d(c[1], rgb[1]) + 3 * d(c[2], rgb[2])
    };
    colours
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| distance(c))
        .map_or(0, |(i, _)| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels(colours: &[[u8; 3]]) -> Vec<u8> {
        colours
            .iter()
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect()
    }

    #[test]
    fn few_colours_are_kept_exactly() {
        let colours: Vec<[u8; 3]> = (0..200u8).map(|i| [i, 255 - i, i / 2]).collect();
        let mut census = Census::default();
        census.count(&pixels(&colours));
        let mut palette = Palette::new(census);
        let mut out = Vec::new();
        palette.index(&pixels(&colours), &mut out);
        let table = palette.table();
        for (colour, index) in colours.iter().zip(&out) {
            let i = usize::from(*index) * 3;
            assert_eq!(&table[i..i + 3], colour);
            assert_ne!(*index, TRANSPARENT);
        }
    }

    #[test]
    fn many_colours_keep_the_named_and_frequent_ones_exactly() {
        // A ramp of 4096 shades, white everywhere else, and a series colour
        // seen on only one pixel.
        let mut colours = vec![[255u8, 255, 255]; 10_000];
        colours.extend((0..4096u32).map(|i| [(i % 256) as u8, (i / 16) as u8, 128]));
        let rare = [200u8, 30, 40];
        colours.push(rare);
        let mut census = Census::default();
        census.count(&pixels(&colours));
        let mut figure = Figure::new(
            "f",
            "",
            crate::figures::Axis::linear("x"),
            crate::figures::Axis::linear("y"),
        );
        figure.series.push(crate::figures::Series::line(
            "s",
            Rgb(rare[0], rare[1], rare[2]),
            vec![],
        ));
        census.name_colours(&figure);
        let mut palette = Palette::new(census);
        assert_eq!(palette.colours.len(), COLOURS);
        let mut out = Vec::new();
        palette.index(&pixels(&[rare, [255, 255, 255], [3, 0, 128]]), &mut out);
        let table = palette.table();
        let at = |i: u8| table[usize::from(i) * 3..usize::from(i) * 3 + 3].to_vec();
        assert_eq!(at(out[0]), rare.to_vec());
        assert_eq!(at(out[1]), vec![255, 255, 255]);
        // A shade of the ramp lands near itself.
        let near = at(out[2]);
        let error: i32 = near
            .iter()
            .zip([3, 0, 128])
            .map(|(a, b)| (i32::from(*a) - b).abs())
            .sum();
        assert!(error < 60, "{near:?}");
        assert!(out.iter().all(|&i| i != TRANSPARENT));
    }
}
