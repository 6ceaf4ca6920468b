//! What an engine-backed exercise kind provides on the content side ([`EngineBacked`]), and
//! the object-safe view ([`Scenario`]) the dispatch in `params` calls.
//!
//! A kind's spec says what `params` may set, where placeholders may appear, how a choice of
//! values makes it concrete (without computing a key), how the engine keys it, and how an
//! authored `expect` is checked against that key. Keys are computed only by [`key`]
//! (graders and `check` both call it), so a key is computed in exactly one way.
//!
//! [`key`]: EngineBacked::key

use super::specs::{ItemError, ParamValues};

/// What `patterns check`'s structure pass (the one loading runs) does with a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadCheck {
    /// Nothing: its engine runs are left to the full check (outage simulations).
    Nothing,
    /// Instantiate each variant and check its shape, without running the engine.
    Shape,
    /// Also compute the key: the engine run is cheap (a breaker script, a ceiling list).
    Key,
}

/// Which variants of a parametric exercise an authored `expect` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectScope {
    /// Every variant (an expect that differs across variants is an error).
    EveryVariant,
    /// The first: every parameter at its first value, its `min` or the first of `one_of`.
    FirstVariant,
}

/// A kind whose key comes from the engine.
pub trait EngineBacked {
    /// The answer key.
    type Key;
    /// What the structure pass runs.
    const LOAD: LoadCheck;
    /// Which variants `expect` describes.
    const EXPECT: ExpectScope;
    /// The YAML names `params` may set, in the order hints list them.
    fn settings(&self) -> Vec<&'static str>;
    /// Texts besides the prompt that may hold `{param}` placeholders, with their YAML key.
    fn templates(&self) -> Vec<(&'static str, &str)>;
    /// Makes the spec concrete for `values`: placeholders replaced, settings set. Computes
    /// no key. Errors name a value that does not fit its setting.
    fn instantiate(&mut self, values: &ParamValues) -> Result<(), ItemError>;
    /// Checks what can be checked without running the engine.
    fn check_shape(&self) -> Result<(), ItemError> {
        Ok(())
    }
    /// The key, from the engine.
    fn key(&self) -> Result<Self::Key, ItemError>;
    /// Checks the authored expectation (`expect`, a computed answer, a tune's example)
    /// against the engine's key.
    fn check_expect(&self, key: &Self::Key) -> Result<(), ItemError>;
}

/// The object-safe view of an [`EngineBacked`] spec, for dispatch over kinds.
pub trait Scenario {
    /// See [`EngineBacked::settings`].
    fn settable(&self) -> Vec<&'static str>;
    /// See [`EngineBacked::templates`].
    fn placeholder_texts(&self) -> Vec<(&'static str, &str)>;
    /// See [`EngineBacked::instantiate`].
    fn make_concrete(&mut self, values: &ParamValues) -> Result<(), ItemError>;
    /// Whether the structure pass checks it at all.
    fn checked_on_load(&self) -> bool;
    /// Checks one concrete variant: its shape; its key when `full` or cheap; its `expect`
    /// when `full` and the expectation describes this variant (`first`: the first one).
    fn check_variant(&self, full: bool, first: bool) -> Result<(), ItemError>;
}

impl<T: EngineBacked> Scenario for T {
    fn settable(&self) -> Vec<&'static str> {
        self.settings()
    }

    fn placeholder_texts(&self) -> Vec<(&'static str, &str)> {
        self.templates()
    }

    fn make_concrete(&mut self, values: &ParamValues) -> Result<(), ItemError> {
        self.instantiate(values)
    }

    fn checked_on_load(&self) -> bool {
        T::LOAD != LoadCheck::Nothing
    }

    fn check_variant(&self, full: bool, first: bool) -> Result<(), ItemError> {
        if !full && T::LOAD == LoadCheck::Nothing {
            return Ok(());
        }
        self.check_shape()?;
        if !full && T::LOAD == LoadCheck::Shape {
            return Ok(());
        }
        let key = self.key()?;
        if full && (first || T::EXPECT == ExpectScope::EveryVariant) {
            self.check_expect(&key)?;
        }
        Ok(())
    }
}

/// Checks a list `expect` against the engine's list: `Ok` when they are equal, else the
/// error showing both and where they first differ.
pub(super) fn list_expect<T: PartialEq>(
    expect: &[T],
    engine: &[T],
    show: impl Fn(&T) -> String,
) -> Result<(), ItemError> {
    if expect == engine {
        return Ok(());
    }
    let join = |list: &[T]| list.iter().map(&show).collect::<Vec<_>>().join(", ");
    let hint = match expect.iter().zip(engine).position(|(a, b)| a != b) {
        Some(i) => format!(
            "they first differ at step {}; the learner is graded against the engine, so fix 'expect' (or the scenario)",
            i + 1
        ),
        None => format!(
            "'expect' has {} entries but the engine gives {}; give one per step",
            expect.len(),
            engine.len()
        ),
    };
    Err(ItemError::new(
        "expect",
        format!(
            "expect disagrees with the engine\n  expected: {}\n  engine:   {}",
            join(expect),
            join(engine)
        ),
    )
    .with_hint(hint))
}
