//! A slab of values addressed by index and generation: a reference to a removed value
//! (a late timer, a response to an abandoned call) finds nothing instead of a newcomer.

/// An index and the generation it was handed out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ref {
    index: u32,
    era: u32,
}

#[derive(Debug)]
pub(super) struct Slab<T> {
    slots: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    pub(super) fn insert(&mut self, value: T) -> Ref {
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.0 = slot.0.wrapping_add(1);
            slot.1 = Some(value);
            return Ref { index, era: slot.0 };
        }
        let index = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        self.slots.push((0, Some(value)));
        Ref { index, era: 0 }
    }

    pub(super) fn get(&self, at: Ref) -> Option<&T> {
        match self.slots.get(at.index as usize) {
            Some((era, value)) if *era == at.era => value.as_ref(),
            _ => None,
        }
    }

    pub(super) fn get_mut(&mut self, at: Ref) -> Option<&mut T> {
        match self.slots.get_mut(at.index as usize) {
            Some((era, value)) if *era == at.era => value.as_mut(),
            _ => None,
        }
    }

    pub(super) fn remove(&mut self, at: Ref) -> Option<T> {
        let slot = self.slots.get_mut(at.index as usize)?;
        if slot.0 != at.era {
            return None;
        }
        let value = slot.1.take()?;
        self.free.push(at.index);
        Some(value)
    }

    /// Every value present, in slot order.
    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().filter_map(|(_, value)| value.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_references_find_nothing() {
        let mut slab = Slab::default();
        let a = slab.insert('a');
        assert_eq!(slab.remove(a), Some('a'));
        let b = slab.insert('b');
        assert_eq!(slab.get(a), None);
        assert_eq!(slab.get(b), Some(&'b'));
        assert_eq!(slab.remove(a), None);
        assert_eq!(slab.values().count(), 1);
    }
}
