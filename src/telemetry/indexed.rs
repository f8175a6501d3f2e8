//! Handle sets stored by dense index, created on first use.

use std::sync::RwLock;

/// A growable table of handle sets; lookups take a read lock and index a
/// vector, so the hot path never hashes or allocates once a slot exists.
#[derive(Debug)]
pub(crate) struct IndexedHandles<T> {
    table: RwLock<Vec<Option<Box<T>>>>,
}

impl<T> Default for IndexedHandles<T> {
    fn default() -> Self {
        Self {
            table: RwLock::new(Vec::new()),
        }
    }
}

impl<T> IndexedHandles<T> {
    /// Runs `f` on the handles at `index`, creating them with `init` first.
    pub(crate) fn with<R>(
        &self,
        index: usize,
        init: impl FnOnce() -> T,
        f: impl FnOnce(&T) -> R,
    ) -> R {
        {
            let table = self
                .table
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(Some(handles)) = table.get(index) {
                return f(handles);
            }
        }
        let mut table = self
            .table
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if table.len() <= index {
            table.resize_with(index + 1, || None);
        }
        let handles = table[index].get_or_insert_with(|| Box::new(init()));
        f(handles)
    }
}
