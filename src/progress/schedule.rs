//! Spaced review of missed and hard exercises with FSRS (the `rs-fsrs` crate's scheduler).
//!
//! The crate is wrapped here and nowhere else: its cards are converted to and from our own
//! [`Card`], so the file format does not depend on the crate, and `now` is always passed in
//! (never `Card::new()` or `Seed::default()`, which read the system clock). Fuzz is off, so
//! the same reviews at the same times give the same schedule. Intervals are whole days (the
//! long-term scheduler): a missed exercise comes back the next day at the earliest.

use chrono::{DateTime, Utc};
use rs_fsrs::{FSRS, Parameters, Seed};
use serde::{Deserialize, Serialize};

use super::record::{Difficulty, Record, Timestamp, Verdict};

/// How well the learner recalled an exercise in review (FSRS's four grades).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Forgotten: wrong.
    Again,
    /// Recalled with difficulty: partly right, or right but rated hard.
    Hard,
    /// Recalled.
    Good,
    /// Recalled without effort.
    Easy,
}

impl Rating {
    /// The rating a graded answer earns: wrong → Again, partial → Hard, correct → Good, or
    /// the learner's own Hard / Easy when they rated a correct answer.
    pub fn from_answer(verdict: Verdict, difficulty: Option<Difficulty>) -> Self {
        match (verdict, difficulty) {
            (Verdict::Wrong, _) => Self::Again,
            (Verdict::Partial, _) | (Verdict::Correct, Some(Difficulty::Hard)) => Self::Hard,
            (Verdict::Correct, Some(Difficulty::Easy)) => Self::Easy,
            (Verdict::Correct, Some(Difficulty::Medium) | None) => Self::Good,
        }
    }

    /// The rating of an answer that enrolls its exercise in review (a miss or a hard
    /// rating); `None` for one that does not.
    pub(crate) fn for_miss(verdict: Verdict, difficulty: Option<Difficulty>) -> Option<Self> {
        match Self::from_answer(verdict, difficulty) {
            rating @ (Self::Again | Self::Hard) => Some(rating),
            Self::Good | Self::Easy => None,
        }
    }

    fn to_fsrs(self) -> rs_fsrs::Rating {
        match self {
            Self::Again => rs_fsrs::Rating::Again,
            Self::Hard => rs_fsrs::Rating::Hard,
            Self::Good => rs_fsrs::Rating::Good,
            Self::Easy => rs_fsrs::Rating::Easy,
        }
    }
}

/// FSRS's phase of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardState {
    #[default]
    New,
    Learning,
    Review,
    Relearning,
}

/// One exercise's FSRS memory state, as stored in the progress file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// When the exercise is next due.
    pub due: Timestamp,
    /// FSRS stability (days for recall probability to fall to 90 %).
    pub stability: f64,
    /// FSRS difficulty (1..10).
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    /// Reviews so far, the enrolling one included.
    pub reps: i32,
    /// Times it was forgotten after being learned.
    pub lapses: i32,
    pub state: CardState,
    pub last_review: Timestamp,
}

/// An exercise due for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub module: String,
    pub exercise: String,
    pub due: Timestamp,
}

/// The latest moment chrono (and so FSRS) handles safely with intervals added: the end of
/// year 9999. Later timestamps are clamped; nobody will review then.
const LATEST: u64 = 253_402_300_799;

impl Card {
    /// A card never reviewed, due at `now`.
    pub fn new(now: Timestamp) -> Self {
        Self {
            due: now,
            stability: 0.0,
            difficulty: 0.0,
            elapsed_days: 0,
            scheduled_days: 0,
            reps: 0,
            lapses: 0,
            state: CardState::New,
            last_review: now,
        }
    }

    /// The card after a review graded `rating` at `now`. A `now` before the last review (a
    /// clock set back) counts as the last review's time, so elapsed time is never negative.
    pub fn reviewed(&self, rating: Rating, now: Timestamp) -> Self {
        let now = now.max(self.last_review);
        let fsrs = FSRS::new(parameters());
        let next = fsrs.next(self.to_fsrs(), to_datetime(now), rating.to_fsrs());
        Self::from_fsrs(&next.card)
    }

    /// Whether the card is due at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.due <= now
    }

    fn to_fsrs(&self) -> rs_fsrs::Card {
        rs_fsrs::Card {
            due: to_datetime(self.due),
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: self.elapsed_days,
            scheduled_days: self.scheduled_days,
            reps: self.reps,
            lapses: self.lapses,
            state: match self.state {
                CardState::New => rs_fsrs::State::New,
                CardState::Learning => rs_fsrs::State::Learning,
                CardState::Review => rs_fsrs::State::Review,
                CardState::Relearning => rs_fsrs::State::Relearning,
            },
            last_review: to_datetime(self.last_review),
        }
    }

    fn from_fsrs(card: &rs_fsrs::Card) -> Self {
        Self {
            due: from_datetime(card.due),
            stability: finite_or_zero(card.stability),
            difficulty: finite_or_zero(card.difficulty),
            elapsed_days: card.elapsed_days,
            scheduled_days: card.scheduled_days,
            reps: card.reps,
            lapses: card.lapses,
            state: match card.state {
                rs_fsrs::State::New => CardState::New,
                rs_fsrs::State::Learning => CardState::Learning,
                rs_fsrs::State::Review => CardState::Review,
                rs_fsrs::State::Relearning => CardState::Relearning,
            },
            last_review: from_datetime(card.last_review),
        }
    }
}

impl Record {
    /// Exercises due for review at `now`, the longest overdue first (then by module and
    /// exercise id, so the order is total).
    pub fn due(&self, now: Timestamp) -> Vec<ReviewItem> {
        let mut items: Vec<ReviewItem> = self
            .modules
            .iter()
            .flat_map(|(module, record)| {
                record
                    .reviews
                    .iter()
                    .filter(|(_, card)| card.is_due(now))
                    .map(|(exercise, card)| ReviewItem {
                        module: module.clone(),
                        exercise: exercise.clone(),
                        due: card.due,
                    })
            })
            .collect();
        items.sort_by(|a, b| (a.due, &a.module, &a.exercise).cmp(&(b.due, &b.module, &b.exercise)));
        items
    }

    /// Records a review of `exercise` graded `rating` at `now` and returns when it is due
    /// next. An exercise not enrolled yet is enrolled by this review. The review session
    /// also keeps the answer with [`Record::record_attempt`], which leaves an enrolled
    /// card alone, so each review moves the card once.
    pub fn review(
        &mut self,
        module: &str,
        exercise: &str,
        rating: Rating,
        now: Timestamp,
    ) -> Timestamp {
        let reviews = &mut self.module_mut(module).reviews;
        let card = reviews
            .entry(exercise.to_owned())
            .or_insert_with(|| Card::new(now));
        *card = card.reviewed(rating, now);
        card.due
    }
}

/// FSRS-5 default weights, long-term scheduling (whole days), no fuzz, a fixed seed.
fn parameters() -> Parameters {
    // `Parameters::default()` also builds a clock-derived seed; it is replaced here, and the
    // scheduler reseeds from `now` anyway, so no clock value reaches a schedule.
    Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        seed: Seed::from("patterns"),
        ..Parameters::default()
    }
}

fn to_datetime(at: Timestamp) -> DateTime<Utc> {
    let secs = i64::try_from(at.0.min(LATEST)).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn from_datetime(at: DateTime<Utc>) -> Timestamp {
    Timestamp(u64::try_from(at.timestamp()).unwrap_or(0))
}

fn finite_or_zero(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    #[test]
    fn ratings_follow_the_answer() {
        use Difficulty::{Easy, Hard};
        assert_eq!(
            Rating::from_answer(Verdict::Wrong, Some(Easy)),
            Rating::Again
        );
        assert_eq!(Rating::from_answer(Verdict::Partial, None), Rating::Hard);
        assert_eq!(
            Rating::from_answer(Verdict::Correct, Some(Hard)),
            Rating::Hard
        );
        assert_eq!(Rating::from_answer(Verdict::Correct, None), Rating::Good);
        assert_eq!(
            Rating::from_answer(Verdict::Correct, Some(Easy)),
            Rating::Easy
        );
        assert_eq!(Rating::for_miss(Verdict::Correct, None), None);
    }

    #[test]
    fn intervals_are_whole_days_and_grow_with_good_reviews() {
        let start = Timestamp(1_700_000_000);
        let again = Card::new(start).reviewed(Rating::Again, start);
        assert_eq!(again.due, Timestamp(start.0 + DAY));
        assert_eq!(again.state, CardState::Review);
        let mut card = again;
        let mut last_gap = 0;
        for _ in 0..4 {
            let now = card.due;
            card = card.reviewed(Rating::Good, now);
            let gap = card.due.0 - now.0;
            assert_eq!(gap % DAY, 0);
            assert!(gap > last_gap, "{gap} after {last_gap}");
            last_gap = gap;
        }
        let forgotten = card.reviewed(Rating::Again, card.due);
        assert_eq!(forgotten.lapses, card.lapses + 1);
        assert!(forgotten.due.0 - card.due.0 < last_gap);
    }

    #[test]
    fn the_same_reviews_give_the_same_schedule() {
        let run = || {
            let mut card = Card::new(Timestamp(5));
            for (i, rating) in [Rating::Hard, Rating::Good, Rating::Again, Rating::Easy]
                .into_iter()
                .enumerate()
            {
                card = card.reviewed(rating, Timestamp(5 + i as u64 * 3 * DAY));
            }
            card
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn due_is_ordered_by_due_time_then_id_and_review_moves_a_card() {
        let mut record = Record::new();
        let t = Timestamp(1_000_000);
        record.review("b", "x", Rating::Again, t);
        record.review("a", "y", Rating::Again, t);
        record.review("a", "z", Rating::Hard, Timestamp(t.0 - DAY));
        assert!(record.due(t).is_empty());
        let due: Vec<(String, String)> = record
            .due(Timestamp(t.0 + DAY))
            .into_iter()
            .map(|item| (item.module, item.exercise))
            .collect();
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(m, e)| (m.to_string(), e.to_string()))
                .collect()
        };
        // z was enrolled a day earlier with a two-day Hard interval: due at the same time.
        assert_eq!(due, pairs(&[("a", "y"), ("a", "z"), ("b", "x")]));
        let next = record.review("a", "y", Rating::Good, Timestamp(t.0 + DAY));
        assert!(next.0 > t.0 + 2 * DAY);
        assert_eq!(record.due(Timestamp(t.0 + DAY)).len(), 2);
    }

    #[test]
    fn a_clock_set_back_does_not_make_elapsed_time_negative() {
        let card = Card::new(Timestamp(10 * DAY)).reviewed(Rating::Good, Timestamp(10 * DAY));
        let back = card.reviewed(Rating::Good, Timestamp(DAY));
        assert_eq!(back.last_review, Timestamp(10 * DAY));
        assert!(back.stability.is_finite() && back.stability > 0.0);
        assert!(back.due > back.last_review);
    }

    proptest::proptest! {
        #[test]
        fn any_review_sequence_stays_finite_and_due_after_the_review(
            steps in proptest::collection::vec((0..4u8, 0..10_000_000u64), 1..12)
        ) {
            let ratings = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];
            let mut now = 1_600_000_000;
            let mut card = Card::new(Timestamp(now));
            for (rating, gap) in steps {
                now += gap;
                card = card.reviewed(ratings[usize::from(rating)], Timestamp(now));
                proptest::prop_assert!(card.stability.is_finite() && card.stability > 0.0);
                proptest::prop_assert!(card.difficulty.is_finite());
                proptest::prop_assert!(card.due.0 >= now + DAY, "{:?} at {}", card, now);
                proptest::prop_assert_eq!(card.last_review, Timestamp(now));
            }
        }
    }

    #[test]
    fn timestamps_beyond_year_9999_are_clamped_not_panicking() {
        let card = Card::new(Timestamp(u64::MAX)).reviewed(Rating::Good, Timestamp(u64::MAX));
        assert!(card.due.0 >= LATEST);
    }
}
