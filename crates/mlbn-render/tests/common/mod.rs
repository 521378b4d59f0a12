//! Helpers shared by the picture tests.
#![allow(dead_code)]

use mlbn_render::image::Scene;

/// The PNG decoded, after checking its signature.
pub fn decode(png: &[u8]) -> image::RgbImage {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("decodes")
        .to_rgb8()
}

/// Every text box lies inside the canvas and no two overlap.
pub fn assert_text_clean(scene: &Scene, what: &str) {
    let rects = scene.text_rects();
    let (w, h) = (scene.width as f32, scene.height as f32);
    for (r, t) in &rects {
        assert!(
            r.x >= -0.01 && r.y >= -0.01 && r.right() <= w + 0.01 && r.bottom() <= h + 0.01,
            "{what}: text {t:?} at {r:?} leaves the {w}x{h} canvas"
        );
    }
    for i in 0..rects.len() {
        for j in i + 1..rects.len() {
            assert!(
                !rects[i].0.overlaps(&rects[j].0),
                "{what}: {:?} {:?} overlaps {:?} {:?}",
                rects[i].1,
                rects[i].0,
                rects[j].1,
                rects[j].0
            );
        }
    }
}
