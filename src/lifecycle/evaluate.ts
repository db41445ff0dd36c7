/**
 * Lifecycle evaluation: which images a policy expires or archives, given the repository's images
 * and `now`. Pure and deterministic; preview returns its result and the apply job acts on it, so
 * the two can never disagree.
 *
 * ECR's evaluation rules, as implemented here (quotes from the ECR user guide):
 * - "All rules are evaluated at the same time, regardless of rule priority. After all rules are
 *   evaluated, they are then applied based on rule priority."
 * - Each rule *identifies* every image its selection matches: storage class (default standard),
 *   then tag status and tag filter. Count rules rank all identified images, including images a
 *   higher-priority rule also identifies or marks ("can still identify them as if they haven't
 *   been expired or archived").
 * - An image is *claimed* by the highest-priority (lowest `rulePriority`) rule that identifies it,
 *   and only that rule may act on it: "An image that matches the tagging requirements of a rule
 *   cannot be expired or archived by a rule with a lower priority", so "an image is expired or
 *   archived by exactly one or zero rules".
 * - `imageCountMoreThan`: identified images sorted youngest to oldest; those past the first
 *   `countNumber` are candidates. `sinceImagePushed`: pushed more than `countNumber` days before
 *   `now`. `sinceImagePulled`: last pulled (or, never pulled, pushed) more than `countNumber` days
 *   ago. `sinceImageTransitioned`: archived more than `countNumber` days ago.
 * - An image restored from archive is aged from `lastActivatedAt` instead of `pushedAt`.
 * - Results are listed oldest first ("always expires older images before newer ones").
 *
 * Decisions where ECR is silent (each covered by tests):
 * - Ties in age are broken by digest, so the result never depends on input order: among images
 *   of equal age, the lexicographically smaller digest counts as younger.
 * - "Older than N days" is strict: an image pushed exactly N days before `now` is kept.
 * - `sinceImagePulled` uses the latest of last pull and activation (push or restore): restoring an
 *   image counts as use, so a restore is not undone by the next run.
 * - An ARCHIVE image without `lastArchivedAt` is never expired by `sinceImageTransitioned`.
 * - Manifest lists / image indexes ("If an image is referenced by a manifest list, it cannot be
 *   expired or archived without the manifest list being deleted or archived first"): a child may
 *   be EXPIRED only if every parent index is expired in this same result, and TRANSITIONED only if
 *   every parent is expired or archived in this result or is already ARCHIVE. A parent digest not
 *   among the input images blocks (we cannot show it is going). A blocked child is simply kept,
 *   reported in `withheld`; the rule does not pick another image in its place, so a policy never
 *   removes more than ECR would. Nested indexes are handled (the check is a fixpoint).
 * - Referrers ("lifecycle policies automatically expire or archive those artifacts ... of the
 *   deletion or archival of the subject image"): an image whose `subject` is expired is expired in
 *   the same result; one whose subject is archived is archived (if STANDARD). Such decisions carry
 *   the subject's `appliedRulePriority` and `cause: 'subject'`, follow chains (a signature of an
 *   SBOM), and win over a weaker own decision (EXPIRE beats TRANSITION; on a tie the image's own
 *   rule is reported). They ignore `wharfProtectPulledWithinDays` (a referrer of a deleted image is
 *   dangling), but not the index check above.
 *   A referrer is still an image: a rule that selects it (say, "expire untagged") acts on it even
 *   while its subject stays; ECR promises only that referrers go with their subject.
 * - "Tagging requirements" include the rule's storage class: a rule over ARCHIVE images does not
 *   shield STANDARD images from lower-priority rules, and vice versa (ECR validates the rules of
 *   each storage class as separate sets).
 * - Wharf extension `wharfProtectPulledWithinDays`: an image pulled at or after
 *   `now - N days` is never acted on by that rule, but still counts when the rule ranks images and
 *   stays claimed by it (a lower rule does not act on it instead).
 */
import type { LifecyclePolicy, LifecycleRule } from './policy.js';
import { compileTagFilter, type TagPredicate } from './tags.js';

export type ImageStorageClass = 'STANDARD' | 'ARCHIVE';
export type LifecycleActionType = 'EXPIRE' | 'TRANSITION';

export interface LifecycleImage {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAt: Date;
  readonly lastPulledAt?: Date;
  readonly storageClass: ImageStorageClass;
  readonly lastArchivedAt?: Date;
  readonly lastActivatedAt?: Date;
  /** Digests of manifest lists / image indexes in the repository that reference this image. */
  readonly parentIndexes?: readonly string[];
  /** For referrers (signatures, SBOMs, attestations): the digest this image refers to. */
  readonly subject?: string;
}

export interface LifecycleDecision {
  readonly digest: string;
  readonly action: LifecycleActionType;
  /** Present exactly when `action` is TRANSITION. */
  readonly targetStorageClass?: 'ARCHIVE';
  readonly appliedRulePriority: number;
  /** `rule`: the rule selected this image itself; `subject`: it follows its subject's decision. */
  readonly cause: 'rule' | 'subject';
  /** With `cause: 'subject'`: the (direct) subject whose decision this image follows. */
  readonly subjectDigest?: string;
}

/** A decision a rule (or a subject) wanted but that was held back because an index still needs the image. */
export interface WithheldDecision {
  readonly digest: string;
  readonly action: LifecycleActionType;
  readonly targetStorageClass?: 'ARCHIVE';
  readonly appliedRulePriority: number;
  /** Parent indexes that stay, or the subject whose own decision was withheld. */
  readonly blockedBy: readonly string[];
}

export interface LifecycleResult {
  /** One entry per affected image, oldest first (the order apply acts in). */
  readonly decisions: readonly LifecycleDecision[];
  /**
   * Digests per `rulePriority` (every rule of the policy has a key), oldest first, including
   * referrers that follow a subject expired by that rule. A plain object so it serialises as is.
   */
  readonly byRule: Readonly<Record<number, readonly string[]>>;
  /** Decisions held back by the manifest-list rule, oldest first. */
  readonly withheld: readonly WithheldDecision[];
}

const DAY_MS = 86_400_000;
// Decision strength; decisions only ever weaken during the index / referrer fixpoint.
const NONE = 0;
const TRANSITION = 1;
const EXPIRE = 2;

function time(value: Date | undefined, what: string, digest: string): number | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError(`lifecycle image ${digest}: ${what} is not a valid Date`);
  return t;
}

function compareDigest(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adjacency lists in two flat arrays: the targets of node i are `to[start[i]] .. to[start[i + 1] - 1]`. */
interface Adjacency {
  readonly start: Int32Array;
  readonly to: Int32Array;
}

/** Groups edges by source, keeping the order in which they were given. */
function adjacency(n: number, from: readonly number[], to: readonly number[]): Adjacency {
  const start = new Int32Array(n + 1);
  for (const f of from) start[f + 1] = (start[f + 1] as number) + 1;
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const targets = new Int32Array(to.length);
  for (let e = 0; e < from.length; e++) {
    const f = from[e] as number;
    targets[fill[f] as number] = to[e] as number;
    fill[f] = (fill[f] as number) + 1;
  }
  return { start, to: targets };
}

/**
 * Evaluates `policy` over all `images` of one repository at `now`.
 *
 * Cost: one O(n log n) sort, then O(n) per rule (each rule scans the images of its storage class
 * once, in the sorted order) and O(n + references) for the index and referrer checks.
 */
export function evaluateLifecycle(policy: LifecyclePolicy, images: readonly LifecycleImage[], now: Date): LifecycleResult {
  const nowMs = time(now, 'now', '(evaluation)');
  if (nowMs === undefined) throw new TypeError('evaluateLifecycle: now is required');
  const n = images.length;
  const digests: string[] = []; // filled by push: `new Array(n)` of this size is a slow dictionary array
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const digest = (images[i] as LifecycleImage).digest;
    indexOf.set(digest, i);
    if (indexOf.size !== i + 1) throw new TypeError(`evaluateLifecycle: duplicate image digest ${digest}`);
    digests.push(digest);
  }

  // Per-image times, read once.
  const age = new Float64Array(n); // pushedAt, or lastActivatedAt when restored later
  const pulled = new Float64Array(n); // last pull, never earlier than `age`
  const archived = new Float64Array(n); // lastArchivedAt, NaN when unknown
  const lastPull = new Float64Array(n); // lastPulledAt, NaN when never pulled
  const isArchive = new Uint8Array(n);
  const tagged = new Uint8Array(n);
  const tagsOf: Array<readonly string[]> = [];
  for (let i = 0; i < n; i++) {
    const img = images[i] as LifecycleImage;
    const pushed = time(img.pushedAt, 'pushedAt', img.digest);
    if (pushed === undefined) throw new TypeError(`lifecycle image ${img.digest}: pushedAt is required`);
    const activated = time(img.lastActivatedAt, 'lastActivatedAt', img.digest);
    const pulledAt = time(img.lastPulledAt, 'lastPulledAt', img.digest);
    const a = activated !== undefined && activated > pushed ? activated : pushed;
    age[i] = a;
    lastPull[i] = pulledAt ?? Number.NaN;
    pulled[i] = pulledAt !== undefined && pulledAt > a ? pulledAt : a;
    archived[i] = time(img.lastArchivedAt, 'lastArchivedAt', img.digest) ?? Number.NaN;
    isArchive[i] = img.storageClass === 'ARCHIVE' ? 1 : 0;
    tagsOf.push(img.tags);
    tagged[i] = img.tags.length > 0 ? 1 : 0;
  }

  // Youngest first; equal ages by digest. Every per-rule list is a subsequence of this order.
  const youngestFirst = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (age[b] as number) - (age[a] as number) || compareDigest(digests[a] as string, digests[b] as string),
  );
  // Per storage class (0 standard, 1 archive): all, untagged and tagged images, in that order.
  const buckets = [0, 1].map(() => ({ all: [] as number[], untagged: [] as number[], tagged: [] as number[] }));
  for (const i of youngestFirst) {
    const bucket = buckets[isArchive[i] as number] as (typeof buckets)[number];
    bucket.all.push(i);
    (tagged[i] === 0 ? bucket.untagged : bucket.tagged).push(i);
  }
  // Tag filters are evaluated in input order (memory order, cache-friendly) into `hit`; the ranked
  // scan then reads only `hit`.
  const hit = new Uint8Array(n);

  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const claimed = new Uint8Array(n);
  const ownLevel = new Uint8Array(n);
  const ownRule = new Int32Array(n).fill(-1);

  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as LifecycleRule;
    const { tagStatus, tagFilter, countType, countNumber, wharfProtectPulledWithinDays } = rule.selection;
    const bucket = buckets[rule.selection.storageClass === 'archive' ? 1 : 0] as (typeof buckets)[number];
    const scan = tagStatus === 'any' ? bucket.all : tagStatus === 'untagged' ? bucket.untagged : bucket.tagged;
    const filtered = tagStatus === 'tagged';
    if (filtered) {
      const tagsMatch = tagFilter === undefined ? () => false : compileTagFilter(tagFilter);
      const archive = rule.selection.storageClass === 'archive' ? 1 : 0;
      for (let i = 0; i < n; i++) {
        hit[i] = tagged[i] === 1 && isArchive[i] === archive && tagsMatch(tagsOf[i] as readonly string[]) ? 1 : 0;
      }
    }
    const cutoff = nowMs - countNumber * DAY_MS;
    const protectFrom = wharfProtectPulledWithinDays === undefined ? Number.POSITIVE_INFINITY : nowMs - wharfProtectPulledWithinDays * DAY_MS;
    const when = countType === 'sinceImagePushed' ? age : countType === 'sinceImagePulled' ? pulled : archived;
    const byCount = countType === 'imageCountMoreThan';
    const level = rule.action.type === 'expire' ? EXPIRE : TRANSITION;
    let rank = 0;
    for (let k = 0; k < scan.length; k++) {
      const i = scan[k] as number;
      if (filtered && hit[i] === 0) continue;
      rank++; // identified: counts for ranking even when a higher-priority rule claims it
      if (claimed[i] === 1) continue;
      claimed[i] = 1;
      // `when` is NaN for an archived image without lastArchivedAt: never a candidate.
      if (byCount ? rank <= countNumber : !((when[i] as number) < cutoff)) continue;
      if ((lastPull[i] as number) >= protectFrom) continue; // Wharf extension; false for NaN
      ownLevel[i] = level;
      ownRule[i] = r;
    }
  }

  // Graph edges, resolved to image numbers once. Parent lists keep their given order (-1: a parent
  // not among the images); children and referrers are listed in ranking order (not input order),
  // like everything below, so the result cannot depend on how images were listed.
  const parentFrom: number[] = [];
  const parentTo: number[] = [];
  const subjectOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const img = images[i] as LifecycleImage;
    if (img.parentIndexes !== undefined) {
      for (const parent of img.parentIndexes) {
        const p = indexOf.get(parent) ?? -1;
        if (p === i) continue;
        parentFrom.push(i);
        parentTo.push(p);
      }
    }
    if (img.subject !== undefined) {
      const s = indexOf.get(img.subject);
      if (s !== undefined && s !== i) subjectOf[i] = s;
    }
  }
  const parents = adjacency(n, parentFrom, parentTo);
  const childFrom: number[] = [];
  const childTo: number[] = [];
  for (const i of youngestFirst) {
    for (let e = parents.start[i] as number; e < (parents.start[i + 1] as number); e++) {
      const p = parents.to[e] as number;
      if (p !== -1) {
        childFrom.push(p);
        childTo.push(i);
      }
    }
  }
  const children = adjacency(n, childFrom, childTo);
  // Subject links cannot form a cycle between content-addressed manifests (a digest covers the
  // subject's digest). Should the input contain one anyway, the link out of the cycle member with
  // the smallest digest is ignored, so no decision can be justified only by itself.
  const state = new Uint8Array(n); // 0 unvisited, 1 on the current path, 2 done
  for (const start of youngestFirst) {
    const path: number[] = [];
    let i = start;
    while (i !== -1 && state[i] === 0) {
      state[i] = 1;
      path.push(i);
      i = subjectOf[i] as number;
    }
    if (i !== -1 && state[i] === 1) {
      const cycle = path.slice(path.indexOf(i));
      const breakAt = cycle.reduce((a, b) => (compareDigest(digests[a] as string, digests[b] as string) <= 0 ? a : b));
      subjectOf[breakAt] = -1;
    }
    for (const j of path) state[j] = 2;
  }
  const referrerFrom: number[] = [];
  const referrerTo: number[] = [];
  for (const i of youngestFirst) {
    const s = subjectOf[i] as number;
    if (s !== -1) {
      referrerFrom.push(s);
      referrerTo.push(i);
    }
  }
  const referrers = adjacency(n, referrerFrom, referrerTo);

  // Current decision per image: strength, rule index, and the subject it follows (-1: own rule).
  const level = new Uint8Array(ownLevel);
  const ruleOf = new Int32Array(ownRule);
  const via = new Int32Array(n).fill(-1);

  /** Strength image i can inherit from its subject's current decision. */
  const inheritable = (i: number): number => {
    const s = subjectOf[i] as number;
    if (s === -1) return NONE;
    const l = level[s] as number;
    if (l === EXPIRE) return EXPIRE;
    if (l === TRANSITION && isArchive[i] === 0) return TRANSITION;
    return NONE;
  };

  /** Whether every parent index of image i allows acting on it at strength `l`. */
  const parentAllows = (p: number, l: number): boolean =>
    p !== -1 && (l === EXPIRE ? level[p] === EXPIRE : level[p] !== NONE || isArchive[p] === 1);
  const parentsAllow = (i: number, l: number): boolean => {
    for (let e = parents.start[i] as number; e < (parents.start[i + 1] as number); e++) {
      if (!parentAllows(parents.to[e] as number, l)) return false;
    }
    return true;
  };
  /** The parent indexes (as given) that prevent image i from being acted on at strength `l`. */
  const blockingParents = (i: number, l: number): string[] =>
    ((images[i] as LifecycleImage).parentIndexes ?? []).filter((parent) => {
      const p = indexOf.get(parent) ?? -1;
      return p !== i && !parentAllows(p, l);
    });

  // Optimistic start: own decisions, raised by inheritance along subject chains (subjects first;
  // the chains are acyclic now). A stronger inherited decision wins; on a tie the own rule stays.
  state.fill(0);
  for (const start of youngestFirst) {
    const path: number[] = [];
    let i = start;
    while (i !== -1 && state[i] === 0) {
      state[i] = 1;
      path.push(i);
      i = subjectOf[i] as number;
    }
    for (let k = path.length - 1; k >= 0; k--) {
      const j = path[k] as number;
      const l = inheritable(j);
      if (l > (level[j] as number)) {
        const s = subjectOf[j] as number;
        level[j] = l;
        ruleOf[j] = ruleOf[s] as number;
        via[j] = s;
      }
      state[j] = 2;
    }
  }
  const wantedLevel = new Uint8Array(level);
  const wantedRule = new Int32Array(ruleOf);
  const wantedVia = new Int32Array(via);

  // Greatest fixpoint: a decision an index (or a withheld subject) no longer allows falls back to
  // the strongest one still allowed, and its children and referrers are checked again.
  const queued = new Uint8Array(n).fill(1);
  const queue: number[] = [...youngestFirst];
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head] as number;
    queued[i] = 0;
    const before = level[i] as number;
    if (before === NONE) continue;
    const beforeRule = ruleOf[i] as number;
    const beforeVia = via[i] as number;
    const mine = ownLevel[i] as number;
    const theirs = inheritable(i);
    let l = NONE;
    let r = -1;
    let v = -1;
    if (theirs > mine && parentsAllow(i, theirs)) {
      l = theirs;
      r = ruleOf[subjectOf[i] as number] as number;
      v = subjectOf[i] as number;
    } else if (mine !== NONE && parentsAllow(i, mine)) {
      l = mine;
      r = ownRule[i] as number;
    } else if (theirs !== NONE && theirs <= mine && parentsAllow(i, theirs)) {
      l = theirs;
      r = ruleOf[subjectOf[i] as number] as number;
      v = subjectOf[i] as number;
    }
    if (l === before && r === beforeRule && v === beforeVia) continue;
    level[i] = l;
    ruleOf[i] = r;
    via[i] = v;
    for (const edges of [children, referrers]) {
      for (let e = edges.start[i] as number; e < (edges.start[i + 1] as number); e++) {
        const j = edges.to[e] as number;
        if (queued[j] === 0) {
          queued[j] = 1;
          queue.push(j);
        }
      }
    }
  }

  // Output, oldest first (the reverse of the ranking order).
  const decisions: LifecycleDecision[] = [];
  const withheld: WithheldDecision[] = [];
  const byRule: Record<number, string[]> = {};
  const priorities = rules.map((rule) => rule.rulePriority);
  const lists = priorities.map(() => [] as string[]);
  for (let k = n - 1; k >= 0; k--) {
    const i = youngestFirst[k] as number;
    const digest = digests[i] as string;
    const l = level[i] as number;
    if (l !== NONE) {
      const r = ruleOf[i] as number;
      const v = via[i] as number;
      const decision: LifecycleDecision =
        l === EXPIRE
          ? { digest, action: 'EXPIRE', appliedRulePriority: priorities[r] as number, cause: v === -1 ? 'rule' : 'subject' }
          : { digest, action: 'TRANSITION', targetStorageClass: 'ARCHIVE', appliedRulePriority: priorities[r] as number, cause: v === -1 ? 'rule' : 'subject' };
      decisions.push(v === -1 ? decision : { ...decision, subjectDigest: digests[v] as string });
      (lists[r] as string[]).push(digest);
    }
    const w = wantedLevel[i] as number;
    if (w > l) {
      const blockedBy = blockingParents(i, w);
      const wv = wantedVia[i] as number;
      if (wv !== -1 && (level[wv] as number) < w) blockedBy.push(digests[wv] as string);
      const appliedRulePriority = priorities[wantedRule[i] as number] as number;
      withheld.push(
        w === EXPIRE
          ? { digest, action: 'EXPIRE', appliedRulePriority, blockedBy }
          : { digest, action: 'TRANSITION', targetStorageClass: 'ARCHIVE', appliedRulePriority, blockedBy },
      );
    }
  }
  priorities.forEach((p, r) => {
    byRule[p] = lists[r] as string[];
  });
  return { decisions, byRule, withheld };
}

/**
 * Whether a rule's selection identifies an image: storage class, then tag status and filter (the
 * selection {@link evaluateLifecycle} applies, as one predicate; for callers and tests).
 */
export function selector(rule: LifecycleRule): (image: LifecycleImage) => boolean {
  const storageClass: ImageStorageClass = rule.selection.storageClass === 'archive' ? 'ARCHIVE' : 'STANDARD';
  const { tagStatus, tagFilter } = rule.selection;
  let tagsMatch: TagPredicate;
  if (tagStatus === 'any') tagsMatch = () => true;
  else if (tagStatus === 'untagged') tagsMatch = (tags) => tags.length === 0;
  else if (tagFilter === undefined) tagsMatch = () => false;
  else tagsMatch = compileTagFilter(tagFilter);
  return (image) => image.storageClass === storageClass && tagsMatch(image.tags);
}
