//! JSON Lines front-end (skeleton).
