// Hand-written reference lists for the synthetic clinic (seed.ts). Names are common US given and
// family names of varied origin; every phone number is in the 555-0100..0199 block reserved for
// fiction (NANPA), every e-mail at example.com (RFC 2606). No real person is described.

export const FEMALE_GIVEN_NAMES = [
  'Mary',
  'Patricia',
  'Jennifer',
  'Linda',
  'Elizabeth',
  'Maria',
  'Guadalupe',
  'Sofia',
  'Aaliyah',
  'Keisha',
  'Mei',
  'Priya',
  'Fatima',
  'Olga',
  'Hannah',
  'Emily',
  'Ashley',
  'Ngozi',
  'Yesenia',
  'Ruth',
  'Dorothy',
  'Grace',
  'Chloe',
  'Ana',
] as const;

export const MALE_GIVEN_NAMES = [
  'James',
  'Robert',
  'John',
  'Michael',
  'David',
  'William',
  'Jose',
  'Luis',
  'Carlos',
  'DeShawn',
  'Tyrone',
  'Wei',
  'Hiroshi',
  'Arjun',
  'Mohammed',
  'Omar',
  'Dmitri',
  'Ethan',
  'Noah',
  'Chinedu',
  'Thanh',
  'Samuel',
  'Frank',
  'Mateo',
] as const;

export const FAMILY_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Lee',
  'Nguyen',
  'Patel',
  'Kim',
  'Chen',
  'Washington',
  'Okafor',
  "O'Brien",
  'Kowalski',
  'Cohen',
  'Rivera',
  'Ramirez',
  'Begay',
  'Yamamoto',
  'Haddad',
  'Ivanova',
  'Nakamura',
] as const;

export const STREET_NAMES = [
  'Oak Street',
  'Maple Avenue',
  'Cedar Lane',
  'Elm Street',
  'Walnut Street',
  'Magnolia Avenue',
  'Dogwood Drive',
  'Hillcrest Road',
  'Church Street',
  'Poplar Court',
  'Sycamore Drive',
  'Willow Way',
  'Lakeview Drive',
  'Ridge Road',
  'Cherry Street',
  'Hickory Hollow Lane',
] as const;

/** The two towns of the clinic's catchment; each patient lives near one location. */
export interface Region {
  readonly city: string;
  readonly state: string;
  readonly areaCode: string;
  readonly postalCodes: readonly string[];
}

export const REGIONS = {
  knoxville: {
    city: 'Knoxville',
    state: 'TN',
    areaCode: '865',
    postalCodes: ['37902', '37909', '37912', '37915', '37917', '37918', '37919', '37921', '37923'],
  },
  nashville: {
    city: 'Nashville',
    state: 'TN',
    areaCode: '615',
    postalCodes: ['37203', '37204', '37206', '37208', '37209', '37211', '37212', '37215', '37216'],
  },
} as const satisfies Record<string, Region>;

export type RegionKey = keyof typeof REGIONS;

/**
 * Given names that mark a Spanish-speaking household in the seed (a patient with `communication`
 * es, preferred): voice agents must handle interpreter needs.
 */
export const SPANISH_GIVEN_NAMES: ReadonlySet<string> = new Set([
  'Maria',
  'Guadalupe',
  'Yesenia',
  'Ana',
  'Jose',
  'Luis',
  'Carlos',
  'Mateo',
]);
