// English words that the census name files also list as names ("Will", "May", "Hope", "Street",
// "Friday", "Doctor") and that a scheduling call uses as words. A dictionary name that is one of
// these is only a name with stronger evidence (a name cue before it, a name beside it, the
// call's own known value). This is a list of words, not of names: the names come from the census.
const WORDS = `a about after afternoon again ago all also am an and any anything appointment april are
around as ask at august available away back bad be been before being best bill bills birth birthday
black blood both brown but by call called calling can cancel card care case cell center check child
clinic close code cold come coming confirm could day days december did do doctor does done down dr
early east either else email end evening ever every exam eye fall far fast february fever few fine
first floor for free friday from front full gave get give glad go going gold golden good got great
green had half hall has have he head health hear heart help her here hi high hill his hold home hope
hospital hot house how i if in is it its january job july june just keep kind king know lab
lane last late later left let like line little long look love made main make man march mark matter
may me medical member mine miss mom monday month more morning most much must my name near need never
new next nice night no noon north not note now number nurse of off office oh ok okay old on once one
only open or other our out over page pain park part pay people person phone pick place plan please
point power price rather ready really rest right road room rose round saturday say second see seen
send set she shot should sick side slot so some soon south spring stay still stop street sugar summer
sunday sure take than thank thanks that the their them then there these they thing think this those
through thursday time to today tomorrow too tuesday two under until up us use very visit wait walk
want was water way we wednesday week well were west what when where which white who why will winter
with without wood work would yeah year yes yet you young your actually again bye great hello yep
sorry guess maybe right cool alright done friend mother father son daughter wife husband baby
fine morning noon evening primary urgent new patient insurance medicare medicaid aetna cigna
anthem humana kaiser blue cross shield united unitedhealthcare tufts aarp health plan group
copay deductible refill prescription pharmacy walgreens cvs lab labs test tests result results
xray mri scan shot flu covid vaccine physical annual follow followup visit telehealth video
hours weekend weekends spanish english interpreter parking address street avenue road drive
lane boulevard court suite unit apartment apt building entrance floor room west east north south
jr sr christmas easter thanksgiving holiday summer camp school note form forms stitches knee back
wrist foot feet ear eye skin rash cough sugar diabetes thyroid asthma sure nope cash credit price
dollars minutes hours days weeks months years ma'am sir mr mrs ms miss sister brother aunt uncle
grandson granddaughter grandmother grandfather i i'm i'd i'll i've it's that's what's there's he's she's
we're they're don't can't won't found booked seen said told left called looking trying wanted need needs
see saw get got gets call calls born`;

export const COMMON_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
