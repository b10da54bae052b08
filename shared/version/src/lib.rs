//! Version ordering, one exact implementation per ecosystem's scheme.
