// English given names and the nicknames callers use for them (Bill for William, Liz for
// Elizabeth). No maintained npm package ships such a table, so this is a small subset of the
// hand-curated, Apache-2.0 licensed dataset carltonnorthern/nicknames (names.csv, "a
// hand-curated list of nicknames for English given names"), limited to the most common US names.
// Each row is one canonical name followed by its nicknames; a name may appear in several rows
// (Chris: Christopher, Christine, Christina), and two names are equivalent when they share a row.
// Names are folded (lower case, letters only) before lookup.

const ROWS: readonly (readonly string[])[] = [
  ['abigail', 'abby', 'gail'],
  ['alexander', 'alex', 'al', 'sandy', 'xander'],
  ['alexandra', 'alex', 'alexa', 'sandra', 'sandy', 'lexi'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alfred', 'al', 'alf', 'fred', 'freddie'],
  ['andrew', 'andy', 'drew'],
  ['anthony', 'tony'],
  ['barbara', 'barb', 'barbie', 'babs'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['catherine', 'cathy', 'cat', 'kate', 'katie', 'kathy'],
  ['katherine', 'kathy', 'kate', 'katie', 'kat', 'kit', 'kay'],
  ['kathleen', 'kathy', 'kate', 'katie', 'kat'],
  ['charles', 'charlie', 'chuck', 'chas', 'chaz'],
  ['christina', 'chris', 'christy', 'tina'],
  ['christine', 'chris', 'christy', 'tina'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['cynthia', 'cindy'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['deborah', 'deb', 'debbie', 'debby'],
  ['donald', 'don', 'donny'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['edward', 'ed', 'eddie', 'ned', 'ted', 'teddy'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betsy', 'betty', 'eliza', 'libby', 'liza', 'lisa', 'bess'],
  ['emily', 'em', 'emmy'],
  ['frances', 'fran', 'frannie', 'frankie'],
  ['francis', 'frank', 'fran', 'frankie'],
  ['frederick', 'fred', 'freddie', 'fritz'],
  ['gerald', 'jerry', 'gerry'],
  ['gregory', 'greg'],
  ['harold', 'hal', 'harry'],
  ['henry', 'hank', 'harry', 'hal'],
  ['jacob', 'jake', 'jay'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['jennifer', 'jen', 'jenny', 'jenn'],
  ['jessica', 'jess', 'jessie'],
  ['john', 'jack', 'johnny', 'jon'],
  ['jonathan', 'jon', 'john', 'jonny'],
  ['joseph', 'joe', 'joey', 'jos'],
  ['josephine', 'jo', 'josie'],
  ['joshua', 'josh'],
  ['kenneth', 'ken', 'kenny'],
  ['lawrence', 'larry', 'laurie'],
  ['leonard', 'len', 'lenny', 'leo'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie', 'greta', 'madge'],
  ['matthew', 'matt', 'matty'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['nicholas', 'nick', 'nicky'],
  ['pamela', 'pam'],
  ['patricia', 'pat', 'patty', 'patsy', 'tricia', 'trish'],
  ['patrick', 'pat', 'paddy', 'rick'],
  ['peter', 'pete'],
  ['philip', 'phil'],
  ['rebecca', 'becky', 'becca'],
  ['richard', 'rich', 'rick', 'ricky', 'dick', 'richie'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'bert'],
  ['ronald', 'ron', 'ronnie'],
  ['samantha', 'sam', 'sammy'],
  ['samuel', 'sam', 'sammy'],
  ['stephen', 'steve', 'stevie'],
  ['steven', 'steve', 'stevie'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['theodore', 'ted', 'teddy', 'theo'],
  ['thomas', 'tom', 'tommy'],
  ['timothy', 'tim', 'timmy'],
  ['victoria', 'vicky', 'tori', 'vic'],
  ['walter', 'walt', 'wally'],
  ['william', 'will', 'bill', 'billy', 'willy', 'liam'],
  ['zachary', 'zach', 'zack'],
];

const GROUPS: ReadonlyMap<string, readonly number[]> = (() => {
  const map = new Map<string, number[]>();
  ROWS.forEach((row, index) => {
    for (const name of row) {
      const groups = map.get(name) ?? [];
      groups.push(index);
      map.set(name, groups);
    }
  });
  return map;
})();

/** Whether two folded given names are the same name or a name and one of its nicknames. */
export function sameGivenName(a: string, b: string): boolean {
  if (a === b) return a !== '';
  const left = GROUPS.get(a);
  const right = GROUPS.get(b);
  if (left === undefined || right === undefined) return false;
  return left.some((group) => right.includes(group));
}
