//! Layers (filled in below).
