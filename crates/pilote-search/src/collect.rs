//! One pass over the matching documents: the total, the best page (by score or by date),
//! and every facet's counts with the other facets' filters applied.
//!
//! Facets are counted by term ordinal in a plain array; ordinals become text only once per
//! segment (the facet dictionary is small: its values, whatever the number of documents),
//! and that table is kept while the segment lives. Filters are checked on the same
//! ordinals: a document missing no selected facet counts for the total, the page and every
//! facet; a document missing exactly one counts for that facet only, which is how a facet
//! with a selected value shows what the other values would give.

use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::document::Facet;

/// The facet field's name.
const FACETS: &str = "facets";
/// The date field's name.
const DATE: &str = "date";

/// What one facet ordinal of a segment stands for: the facet's position in [`Facet::ALL`]
/// and the value.
type Entry = Option<(usize, Box<str>)>;

/// What searches read of a segment besides its postings, read once while it lives: its
/// facet ordinals → (facet, value) table, each document's facet ordinals in one array, and
/// the date column.
pub(crate) struct SegmentData {
    table: Vec<Entry>,
    /// The facet position of each ordinal (`u8::MAX` for none).
    facet_of: Vec<u8>,
    /// Document `d`'s ordinals are `ords[starts[d]..starts[d + 1]]`, distinct and sorted.
    starts: Vec<u32>,
    ords: Vec<u32>,
    dates: Option<Column<i64>>,
}

impl SegmentData {
    fn read(segment: &SegmentReader) -> tantivy::Result<SegmentData> {
        let reader = segment.facet_reader(FACETS)?;
        let mut table: Vec<Entry> = vec![None; reader.num_facets()];
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            let Ok(ord) = usize::try_from(stream.term_ord()) else {
                continue;
            };
            let key = stream.key();
            let Some(split) = key.iter().position(|b| *b == 0) else {
                continue;
            };
            let (name, rest) = (&key[..split], &key[split + 1..]);
            let value = rest.split(|b| *b == 0).next().unwrap_or_default();
            let facet = std::str::from_utf8(name)
                .ok()
                .and_then(Facet::parse)
                .and_then(|facet| Facet::ALL.iter().position(|f| *f == facet));
            if let (Some(facet), Ok(value), Some(entry)) =
                (facet, std::str::from_utf8(value), table.get_mut(ord))
            {
                *entry = Some((facet, value.into()));
            }
        }
        let facet_of = table
            .iter()
            .map(|entry| {
                entry
                    .as_ref()
                    .and_then(|(facet, _)| u8::try_from(*facet).ok())
                    .unwrap_or(u8::MAX)
            })
            .collect();
        let max_doc = segment.max_doc();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords: Vec<u32> = Vec::with_capacity(max_doc as usize * 4);
        for doc in 0..max_doc {
            starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
            let first = ords.len();
            for ord in reader.facet_ords(doc) {
                let Ok(ord) = u32::try_from(ord) else {
                    continue;
                };
                if ords.len() == first || ords.last() != Some(&ord) {
                    ords.push(ord);
                }
            }
        }
        starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
        ords.shrink_to_fit();
        Ok(SegmentData {
            table,
            facet_of,
            starts,
            ords,
            dates: segment.fast_fields().column_opt::<i64>(DATE)?,
        })
    }
}

/// Each live segment's [`SegmentData`].
#[derive(Default)]
pub(crate) struct SegmentCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
}

impl SegmentCache {
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentData>> {
        let id = segment.segment_id();
        let mut segments = self
            .segments
            .lock()
            .map_err(|_| tantivy::TantivyError::InternalError("segment cache poisoned".into()))?;
        if let Some(data) = segments.get(&id) {
            return Ok(Arc::clone(data));
        }
        let data = Arc::new(SegmentData::read(segment)?);
        segments.insert(id, Arc::clone(&data));
        Ok(data)
    }

    /// Reads the segments not read yet, and forgets those no longer searched.
    pub(crate) fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        if let Ok(mut segments) = self.segments.lock() {
            segments.retain(|id, _| live.contains(id));
        }
        for segment in searcher.segment_readers() {
            self.get(segment)?;
        }
        Ok(())
    }
}

/// How the page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// Best score first.
    Score,
    /// Latest date first, documents without one last.
    Date,
}

/// The collector.
pub(crate) struct Faceted<'a> {
    pub segments: &'a SegmentCache,
    /// The selected values, by facet position in [`Facet::ALL`]; at most 32 facets.
    pub filters: Vec<(usize, &'a BTreeSet<String>)>,
    pub order: Order,
    /// How many of the best documents to keep (offset + page size).
    pub keep: usize,
}

/// A candidate for the page: its sort key, then its address (lower first on a tie).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    key: f64,
    segment: SegmentOrdinal,
    doc: DocId,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    /// Greater means worse: a lower key, or on a tie a later address. The heap's top is
    /// thus the worst kept.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| (self.segment, self.doc).cmp(&(other.segment, other.doc)))
    }
}

/// The best `keep`, worst on top.
struct Best {
    keep: usize,
    heap: BinaryHeap<Ranked>,
}

impl Best {
    fn new(keep: usize) -> Best {
        Best {
            keep,
            heap: BinaryHeap::with_capacity(keep.min(4096) + 1),
        }
    }

    #[inline]
    fn push(&mut self, ranked: Ranked) {
        if self.heap.len() < self.keep {
            self.heap.push(ranked);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && ranked < *worst
        {
            *worst = ranked;
        }
    }
}

/// One segment's share.
pub(crate) struct FacetedSegment {
    segment: SegmentOrdinal,
    data: Arc<SegmentData>,
    /// Per ordinal: bit i set when it is a selected value of the i-th filter.
    selected: Vec<u32>,
    /// Per facet position: bit i set when it is the i-th filter's facet.
    filtered: [u32; 256],
    all: u32,
    counts: Vec<u32>,
    total: u64,
    best: Best,
    by_date: bool,
}

/// What a segment gives.
pub(crate) struct SegmentFruit {
    data: Arc<SegmentData>,
    counts: Vec<u32>,
    total: u64,
    best: Vec<Ranked>,
}

/// The merged result: the total, the page's addresses with their scores (0 by date), and
/// each facet's values with counts (by facet position in [`Facet::ALL`], unsorted).
pub(crate) struct Collected {
    pub total: usize,
    pub page: Vec<(f32, DocAddress)>,
    pub counts: Vec<Vec<(String, u64)>>,
}

impl Collector for Faceted<'_> {
    type Fruit = Collected;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        let data = self.segments.get(reader)?;
        let mut selected = vec![0u32; data.table.len()];
        let mut filtered = [0u32; 256];
        for (bit, (facet, values)) in self.filters.iter().enumerate() {
            if let Some(slot) = filtered.get_mut(*facet) {
                *slot |= 1 << bit;
            }
            for (ord, entry) in data.table.iter().enumerate() {
                if let Some((f, value)) = entry
                    && f == facet
                    && values.contains(&**value)
                {
                    selected[ord] |= 1 << bit;
                }
            }
        }
        Ok(FacetedSegment {
            segment,
            counts: vec![0; data.table.len()],
            data,
            selected,
            filtered,
            all: match self.filters.len() {
                0 => 0,
                n => u32::MAX >> (32 - n.min(32)),
            },
            total: 0,
            best: Best::new(self.keep),
            by_date: self.order == Order::Date,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut total = 0;
        let mut best = Best::new(self.keep);
        let mut counts: Vec<HashMap<&str, u64>> = vec![HashMap::new(); Facet::ALL.len()];
        for fruit in &fruits {
            total += fruit.total;
            for ranked in &fruit.best {
                best.push(*ranked);
            }
            for (ord, count) in fruit.counts.iter().enumerate() {
                if *count > 0
                    && let Some(Some((facet, value))) = fruit.data.table.get(ord)
                    && let Some(values) = counts.get_mut(*facet)
                {
                    *values.entry(value).or_default() += u64::from(*count);
                }
            }
        }
        let mut page = best.heap.into_vec();
        page.sort();
        Ok(Collected {
            total: usize::try_from(total).unwrap_or(usize::MAX),
            page: page
                .into_iter()
                .map(|r| {
                    let score = match self.order {
                        #[allow(clippy::cast_possible_truncation, reason = "an f32 score")]
                        Order::Score => r.key as f32,
                        Order::Date => 0.0,
                    };
                    (score, DocAddress::new(r.segment, r.doc))
                })
                .collect(),
            counts: counts
                .into_iter()
                .map(|values| {
                    values
                        .into_iter()
                        .map(|(value, count)| (value.to_owned(), count))
                        .collect()
                })
                .collect(),
        })
    }
}

impl SegmentCollector for FacetedSegment {
    type Fruit = SegmentFruit;

    #[allow(
        clippy::cast_possible_truncation,
        reason = "ordinals index the segment's own facet table"
    )]
    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        let data = &*self.data;
        let at = doc as usize;
        let ords = &data.ords[data.starts[at] as usize..data.starts[at + 1] as usize];
        let mut have = 0u32;
        for ord in ords {
            have |= self.selected[*ord as usize];
        }
        let missing = self.all & !have;
        if missing == 0 {
            self.total += 1;
            let key = if self.by_date {
                #[allow(clippy::cast_precision_loss, reason = "days since year 1 fit")]
                data.dates
                    .as_ref()
                    .and_then(|dates| dates.first(doc))
                    .map_or(f64::NEG_INFINITY, |d| d as f64)
            } else {
                f64::from(score)
            };
            self.best.push(Ranked {
                key,
                segment: self.segment,
                doc,
            });
            for ord in ords {
                self.counts[*ord as usize] += 1;
            }
        } else if missing.is_power_of_two() {
            for ord in ords {
                let facet = data.facet_of[*ord as usize] as usize;
                if self.filtered[facet] == missing {
                    self.counts[*ord as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            data: self.data,
            counts: self.counts,
            total: self.total,
            best: self.best.heap.into_vec(),
        }
    }
}
