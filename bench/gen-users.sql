-- bench/gen-users.sql: a large synthetic tenant population for the users API benchmark
-- (bench/users-scale, docs/benchmarks-users.md).  Load after the migrations and the dev seed:
--
--   mariadb gatehouse -e "SET @gen_users = 1000000, @gen_orgs = 10000; SOURCE bench/gen-users.sql"
--
-- Adds @gen_orgs organizations (default 10,000) and @gen_users users (default 1,000,000), with
-- ids after the largest ones present.  Every generated user is a member of exactly one
-- organization (user_organization, primary) and holds one role there (user_roles and the legacy
-- users.role_id): the first @gen_orgs users are the org_admin of organization 1, 2, ... (one
-- each, nothing else), every other user holds member.  Organization sizes are skewed like real
-- tenants: after its administrator, user i joins organization 1 + floor(N * u^3) for a uniform
-- u, so the largest organization has about 4.6 % of the users and the smallest a few dozen.
--
-- Names: a first name out of 206 and a last name out of 368 (English-speaking, Hispanic,
-- European and Asian names, some with accents or an apostrophe), each drawn with a power law
-- so that common names are common (index = floor(n * u^1.6) + 1 for first names, u^1.4 for
-- last names: James about 3.6 %, Smith about 1.7 %).  Usernames follow one of five company
-- conventions (james.smith 35 %, jsmith 20 %, james_smith 15 %, jamessmith 15 %, smith.james
-- 15 %), ASCII, lower case, with a counter appended from the second holder on (jsmith,
-- jsmith2, ...; no pattern ends in a digit, so those cannot collide).  E-mail: the username at
-- the organization's domain (75 %) or at a mail provider's (25 %).  A third have a phone number.
-- 0.2 % are disabled and 0.05 % locked by an administrator (never an org_admin).  Creation
-- times are spread over the last three years in id order; 70 % have logged in since.
--
-- Password for every generated user: gatehouse-dev-password, as in the dev seed (the same
-- Argon2id hash, copied from sql/dev/seed.sql).
--
-- The triggers of sql/0010 fire on these inserts: each user's membership gets copies of its sort
-- keys, and user_search the user's 2-4 character prefixes (about 6.5 rows per user).  That about
-- doubles the time of the users phase (docs/benchmarks-users.md).
--
-- Deterministic: the random draws are slices of MD5(salt, index), so two loads are the same.
-- Inserts go in batches of @gen_batch rows (default 50,000), one transaction each.  The staging
-- tables gen_* are dropped at the end.

SET time_zone = '+00:00';
SET @gen_users = COALESCE(@gen_users, 1000000);
SET @gen_orgs = COALESCE(@gen_orgs, 10000);
SET @gen_batch = COALESCE(@gen_batch, 50000);
SET @gen_hash = '$argon2id$v=19$m=19456,t=2,p=1$nkAVV6QtKFQVinQaSuws+g$a2zeyLrhsE2/wcl7NPIbwtx9t0YXJhQzt4k3UbgZcoE';
SET @gen_ubase = (SELECT COALESCE(MAX(id), 0) FROM users);
SET @gen_obase = (SELECT COALESCE(MAX(id), 0) FROM organization);
SET @gen_member = (SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL);
SET @gen_admin = (SELECT id FROM roles WHERE name = 'org_admin' AND organization_id IS NULL);
SET @gen_t0 = NOW(6) - INTERVAL 3 YEAR;
-- seconds between two consecutive users' creation, so the last one is about a week old
SET @gen_step = (3 * 365 - 7) * 86400 / @gen_users;

SELECT 'gen-users: start' AS phase, NOW() AS at, @gen_users AS users, @gen_orgs AS orgs,
       CAST(@gen_ubase + 1 AS UNSIGNED) AS first_user_id, CAST(@gen_obase + 1 AS UNSIGNED) AS first_org_id;

-- ---------------------------------------------------------------------------------------------
-- Name lists.  Order matters: the power law makes the first entries the most frequent.
-- slug: the ASCII, lower-case form used in usernames (NULL: computed from the name below).

DROP TABLE IF EXISTS gen_first, gen_last, gen_word, gen_people, gen_rn;
CREATE TABLE gen_first (i INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, slug VARCHAR(50) NULL)
    ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE gen_last (i INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, slug VARCHAR(50) NULL)
    ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE gen_word (kind CHAR(1) NOT NULL, i INT NOT NULL, word VARCHAR(30) NOT NULL, PRIMARY KEY (kind, i))
    ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO gen_first (name, slug) VALUES
 ('James',NULL),('Mary',NULL),('John',NULL),('Patricia',NULL),('Robert',NULL),('Jennifer',NULL),
 ('Michael',NULL),('Linda',NULL),('David',NULL),('Elizabeth',NULL),('William',NULL),('Barbara',NULL),
 ('Richard',NULL),('Susan',NULL),('Joseph',NULL),('Jessica',NULL),('Thomas',NULL),('Sarah',NULL),
 ('Charles',NULL),('Karen',NULL),('Christopher',NULL),('Lisa',NULL),('Daniel',NULL),('Nancy',NULL),
 ('Matthew',NULL),('Betty',NULL),('Anthony',NULL),('Margaret',NULL),('Mark',NULL),('Sandra',NULL),
 ('Donald',NULL),('Ashley',NULL),('Steven',NULL),('Kimberly',NULL),('Paul',NULL),('Emily',NULL),
 ('Andrew',NULL),('Donna',NULL),('Joshua',NULL),('Michelle',NULL),('Kenneth',NULL),('Carol',NULL),
 ('Kevin',NULL),('Amanda',NULL),('Brian',NULL),('Dorothy',NULL),('George',NULL),('Melissa',NULL),
 ('Timothy',NULL),('Deborah',NULL),('Ronald',NULL),('Stephanie',NULL),('Edward',NULL),('Rebecca',NULL),
 ('Jason',NULL),('Sharon',NULL),('Jeffrey',NULL),('Laura',NULL),('Ryan',NULL),('Cynthia',NULL),
 ('Jacob',NULL),('Kathleen',NULL),('Gary',NULL),('Amy',NULL),('Nicholas',NULL),('Angela',NULL),
 ('Eric',NULL),('Shirley',NULL),('Jonathan',NULL),('Anna',NULL),('Stephen',NULL),('Brenda',NULL),
 ('Larry',NULL),('Pamela',NULL),('Justin',NULL),('Emma',NULL),('Scott',NULL),('Nicole',NULL),
 ('Brandon',NULL),('Helen',NULL),('Benjamin',NULL),('Samantha',NULL),('Samuel',NULL),('Katherine',NULL),
 ('Gregory',NULL),('Christine',NULL),('Alexander',NULL),('Debra',NULL),('Frank',NULL),('Rachel',NULL),
 ('Patrick',NULL),('Carolyn',NULL),('Raymond',NULL),('Janet',NULL),('Jack',NULL),('Catherine',NULL),
 ('Dennis',NULL),('Maria',NULL),('Jerry',NULL),('Heather',NULL),('Tyler',NULL),('Diane',NULL),
 ('Aaron',NULL),('Ruth',NULL),('José','jose'),('Julie',NULL),('Adam',NULL),('Olivia',NULL),
 ('Nathan',NULL),('Joyce',NULL),('Henry',NULL),('Virginia',NULL),('Douglas',NULL),('Victoria',NULL),
 ('Zachary',NULL),('Kelly',NULL),('Peter',NULL),('Lauren',NULL),('Kyle',NULL),('Christina',NULL),
 ('Noah',NULL),('Joan',NULL),('Ethan',NULL),('Evelyn',NULL),('Jeremy',NULL),('Judith',NULL),
 ('Walter',NULL),('Megan',NULL),('Christian',NULL),('Andrea',NULL),('Keith',NULL),('Cheryl',NULL),
 ('Roger',NULL),('Hannah',NULL),('Wei',NULL),('Priya',NULL),('Austin',NULL),('Martha',NULL),
 ('Sean',NULL),('Gloria',NULL),('Mohammed',NULL),('Fatima',NULL),('Carl',NULL),('Ann',NULL),
 ('Harold',NULL),('Sara',NULL),('Dylan',NULL),('Madison',NULL),('Arjun',NULL),('Mei',NULL),
 ('Lawrence',NULL),('Frances',NULL),('Jordan',NULL),('Sofia',NULL),('Jesse',NULL),('Jean',NULL),
 ('Bryan',NULL),('Abigail',NULL),('Lucas',NULL),('Alice',NULL),('Bruce',NULL),('Julia',NULL),
 ('Gabriel',NULL),('Chloé','chloe'),('Ahmed',NULL),('Yuki',NULL),('Logan',NULL),('Grace',NULL),
 ('Alan',NULL),('Denise',NULL),('Juan',NULL),('Amber',NULL),('Mateo',NULL),('Zoë','zoe'),
 ('Olga',NULL),('Dmitri',NULL),('Elijah',NULL),('Danielle',NULL),('Hiroshi',NULL),('Ananya',NULL),
 ('Vincent',NULL),('Theresa',NULL),('Mason',NULL),('Diana',NULL),('Ravi',NULL),('Leila',NULL),
 ('Omar',NULL),('Natalie',NULL),('Søren','soren'),('Ingrid',NULL),('François','francois'),('Renée','renee'),
 ('Łukasz','lukasz'),('Siobhan',NULL),('Kwame',NULL),('Amara',NULL),('Björn','bjorn'),('Astrid',NULL),
 ('Jürgen','jurgen'),('Élodie','elodie'),('Giulia',NULL),('Marco',NULL),('Javier',NULL),('Lucía','lucia'),
 ('Thiago',NULL),('Niamh',NULL);

INSERT INTO gen_last (name, slug) VALUES
 ('Smith',NULL),('Johnson',NULL),('Williams',NULL),('Brown',NULL),('Jones',NULL),('García','garcia'),
 ('Miller',NULL),('Davis',NULL),('Rodríguez','rodriguez'),('Martínez','martinez'),('Hernández','hernandez'),('López','lopez'),
 ('González','gonzalez'),('Wilson',NULL),('Anderson',NULL),('Thomas',NULL),('Taylor',NULL),('Moore',NULL),
 ('Jackson',NULL),('Martin',NULL),('Lee',NULL),('Pérez','perez'),('Thompson',NULL),('White',NULL),
 ('Harris',NULL),('Sánchez','sanchez'),('Clark',NULL),('Ramírez','ramirez'),('Lewis',NULL),('Robinson',NULL),
 ('Walker',NULL),('Young',NULL),('Allen',NULL),('King',NULL),('Wright',NULL),('Scott',NULL),
 ('Torres',NULL),('Nguyen',NULL),('Hill',NULL),('Flores',NULL),('Green',NULL),('Adams',NULL),
 ('Nelson',NULL),('Baker',NULL),('Hall',NULL),('Rivera',NULL),('Campbell',NULL),('Mitchell',NULL),
 ('Carter',NULL),('Roberts',NULL),('Gómez','gomez'),('Phillips',NULL),('Evans',NULL),('Turner',NULL),
 ('Díaz','diaz'),('Parker',NULL),('Cruz',NULL),('Edwards',NULL),('Collins',NULL),('Reyes',NULL),
 ('Stewart',NULL),('Morris',NULL),('Morales',NULL),('Murphy',NULL),('Cook',NULL),('Rogers',NULL),
 ('Gutiérrez','gutierrez'),('Ortiz',NULL),('Morgan',NULL),('Cooper',NULL),('Peterson',NULL),('Bailey',NULL),
 ('Reed',NULL),('Kelly',NULL),('Howard',NULL),('Ramos',NULL),('Kim',NULL),('Cox',NULL),
 ('Ward',NULL),('Richardson',NULL),('Watson',NULL),('Brooks',NULL),('Chávez','chavez'),('Wood',NULL),
 ('James',NULL),('Bennett',NULL),('Gray',NULL),('Mendoza',NULL),('Ruiz',NULL),('Hughes',NULL),
 ('Price',NULL),('Álvarez','alvarez'),('Castillo',NULL),('Sanders',NULL),('Patel',NULL),('Myers',NULL),
 ('Long',NULL),('Ross',NULL),('Foster',NULL),('Jiménez','jimenez'),('Powell',NULL),('Jenkins',NULL),
 ('Perry',NULL),('Russell',NULL),('Sullivan',NULL),('Bell',NULL),('Coleman',NULL),('Butler',NULL),
 ('Henderson',NULL),('Barnes',NULL),('Wang',NULL),('Fisher',NULL),('Vásquez','vasquez'),('Simmons',NULL),
 ('Romero',NULL),('Jordan',NULL),('Patterson',NULL),('Alexander',NULL),('Hamilton',NULL),('Graham',NULL),
 ('Reynolds',NULL),('Griffin',NULL),('Wallace',NULL),('Moreno',NULL),('West',NULL),('Cole',NULL),
 ('Hayes',NULL),('Bryant',NULL),('Herrera',NULL),('Gibson',NULL),('Ellis',NULL),('Tran',NULL),
 ('Medina',NULL),('Aguilar',NULL),('Stevens',NULL),('Murray',NULL),('Ford',NULL),('Castro',NULL),
 ('Marshall',NULL),('Owens',NULL),('Harrison',NULL),('Fernández','fernandez'),('McDonald',NULL),('Woods',NULL),
 ('Washington',NULL),('Kennedy',NULL),('Wells',NULL),('Vargas',NULL),('Henry',NULL),('Chen',NULL),
 ('Freeman',NULL),('Webb',NULL),('Tucker',NULL),('Guzmán','guzman'),('Burns',NULL),('Crawford',NULL),
 ('Olson',NULL),('Simpson',NULL),('Porter',NULL),('Hunter',NULL),('Gordon',NULL),('Méndez','mendez'),
 ('Silva',NULL),('Shaw',NULL),('Snyder',NULL),('Mason',NULL),('Dixon',NULL),('Muñoz','munoz'),
 ('Hunt',NULL),('Hicks',NULL),('Holmes',NULL),('Palmer',NULL),('Wagner',NULL),('Black',NULL),
 ('Robertson',NULL),('Boyd',NULL),('Rose',NULL),('Stone',NULL),('Salazar',NULL),('Fox',NULL),
 ('Warren',NULL),('Mills',NULL),('Meyer',NULL),('Rice',NULL),('Schmidt',NULL),('Garza',NULL),
 ('Daniels',NULL),('Ferguson',NULL),('Nichols',NULL),('Stephens',NULL),('Soto',NULL),('Weaver',NULL),
 ('Ryan',NULL),('Gardner',NULL),('Payne',NULL),('Grant',NULL),('Dunn',NULL),('Singh',NULL),
 ('Spencer',NULL),('Hawkins',NULL),('Arnold',NULL),('Pierce',NULL),('Li',NULL),('Hansen',NULL),
 ('Peters',NULL),('Santos',NULL),('Hart',NULL),('Bradley',NULL),('Knight',NULL),('Elliott',NULL),
 ('Cunningham',NULL),('Duncan',NULL),('Armstrong',NULL),('Hudson',NULL),('Carroll',NULL),('Lane',NULL),
 ('Riley',NULL),('Andrews',NULL),('Alvarado',NULL),('Ray',NULL),('Delgado',NULL),('Berry',NULL),
 ('Perkins',NULL),('Hoffman',NULL),('Johnston',NULL),('Matthews',NULL),('Peña','pena'),('Richards',NULL),
 ('Contreras',NULL),('Willis',NULL),('Carpenter',NULL),('Lawrence',NULL),('Sandoval',NULL),('Guerrero',NULL),
 ('O''Brien','obrien'),('Chapman',NULL),('Ríos','rios'),('Estrada',NULL),('Ortega',NULL),('Watkins',NULL),
 ('Greene',NULL),('Núñez','nunez'),('Wheeler',NULL),('Valdez',NULL),('Harper',NULL),('Burke',NULL),
 ('Larson',NULL),('Santiago',NULL),('Maldonado',NULL),('Morrison',NULL),('Franklin',NULL),('Carlson',NULL),
 ('Müller','muller'),('Domínguez','dominguez'),('Carr',NULL),('Lawson',NULL),('Jacobs',NULL),('O''Connor','oconnor'),
 ('Lynch',NULL),('Zhang',NULL),('Vega',NULL),('Bishop',NULL),('Montgomery',NULL),('Oliver',NULL),
 ('Jensen',NULL),('Harvey',NULL),('Williamson',NULL),('Gilbert',NULL),('Dean',NULL),('Sims',NULL),
 ('Kumar',NULL),('Howell',NULL),('Liu',NULL),('Wong',NULL),('Reid',NULL),('Hanson',NULL),
 ('Le',NULL),('McCoy',NULL),('Garrett',NULL),('Burton',NULL),('Fuller',NULL),('Sharma',NULL),
 ('Weber',NULL),('Welch',NULL),('Rojas',NULL),('Lucas',NULL),('Márquez','marquez'),('Fields',NULL),
 ('Park',NULL),('Yang',NULL),('Little',NULL),('Banks',NULL),('Padilla',NULL),('Day',NULL),
 ('Walsh',NULL),('Bowman',NULL),('Schultz',NULL),('Luna',NULL),('Fowler',NULL),('Khan',NULL),
 ('Davidson',NULL),('Acosta',NULL),('Rossi',NULL),('May',NULL),('Holland',NULL),('Tanaka',NULL),
 ('Newman',NULL),('Pearson',NULL),('Curtis',NULL),('Cortez',NULL),('Douglas',NULL),('Schneider',NULL),
 ('Yamamoto',NULL),('Barrett',NULL),('Navarro',NULL),('Figueroa',NULL),('Keller',NULL),('Ávila','avila'),
 ('Dubois',NULL),('Molina',NULL),('Stanley',NULL),('Hopkins',NULL),('Campos',NULL),('Kowalski',NULL),
 ('Bates',NULL),('Chambers',NULL),('Caldwell',NULL),('Beck',NULL),('Lambert',NULL),('Miranda',NULL),
 ('Ivanov',NULL),('Gupta',NULL),('Ali',NULL),('Hassan',NULL),('Okafor',NULL),('Mensah',NULL),
 ('Nowak',NULL),('Wiśniewski','wisniewski'),('Petrov',NULL),('Suzuki',NULL),('Watanabe',NULL),('Sato',NULL),
 ('Huang',NULL),('Zhao',NULL),('Wu',NULL),('Zhou',NULL),('Reddy',NULL),('Iyer',NULL),
 ('Andersson',NULL),('Johansson',NULL),('Karlsson',NULL),('Nilsson',NULL),('Larsen',NULL),('Nielsen',NULL),
 ('de Vries','devries'),('van Dijk','vandijk'),('Bakker',NULL),('Visser',NULL),('Costa',NULL),('Ferreira',NULL),
 ('Pereira',NULL),('Oliveira',NULL),('Lefèvre','lefevre'),('Moreau',NULL),('Ferrari',NULL),('Esposito',NULL),
 ('Bianchi',NULL),('Nakamura',NULL);

UPDATE gen_first SET slug = LOWER(REPLACE(REPLACE(name, '''', ''), ' ', '')) WHERE slug IS NULL;
UPDATE gen_last SET slug = LOWER(REPLACE(REPLACE(name, '''', ''), ' ', '')) WHERE slug IS NULL;

-- Organization names: adjective, noun, kind ("Silver Harbor Logistics").
INSERT INTO gen_word (kind, i, word)
SELECT 'a', ROW_NUMBER() OVER (ORDER BY w), w FROM (SELECT 'Blue' AS w UNION ALL SELECT 'Silver'
 UNION ALL SELECT 'Northern' UNION ALL SELECT 'Bright' UNION ALL SELECT 'Granite' UNION ALL SELECT 'Red'
 UNION ALL SELECT 'Golden' UNION ALL SELECT 'Quiet' UNION ALL SELECT 'Rapid' UNION ALL SELECT 'Coastal'
 UNION ALL SELECT 'Summit' UNION ALL SELECT 'Green' UNION ALL SELECT 'Iron' UNION ALL SELECT 'Lucky'
 UNION ALL SELECT 'Western' UNION ALL SELECT 'Open' UNION ALL SELECT 'Clear' UNION ALL SELECT 'Urban'
 UNION ALL SELECT 'Prime' UNION ALL SELECT 'Bold' UNION ALL SELECT 'Cedar' UNION ALL SELECT 'Crystal'
 UNION ALL SELECT 'Polar' UNION ALL SELECT 'Solar' UNION ALL SELECT 'Amber' UNION ALL SELECT 'Velvet'
 UNION ALL SELECT 'Eastern' UNION ALL SELECT 'Harbor' UNION ALL SELECT 'Pioneer' UNION ALL SELECT 'Noble') a;
INSERT INTO gen_word (kind, i, word)
SELECT 'n', ROW_NUMBER() OVER (ORDER BY w), w FROM (SELECT 'River' AS w UNION ALL SELECT 'Peak'
 UNION ALL SELECT 'Harbor' UNION ALL SELECT 'Forge' UNION ALL SELECT 'Bridge' UNION ALL SELECT 'Field'
 UNION ALL SELECT 'Stone' UNION ALL SELECT 'Wave' UNION ALL SELECT 'Pine' UNION ALL SELECT 'Falcon'
 UNION ALL SELECT 'Lantern' UNION ALL SELECT 'Anchor' UNION ALL SELECT 'Meadow' UNION ALL SELECT 'Beacon'
 UNION ALL SELECT 'Orbit' UNION ALL SELECT 'Canyon' UNION ALL SELECT 'Maple' UNION ALL SELECT 'Signal'
 UNION ALL SELECT 'Arrow' UNION ALL SELECT 'Compass' UNION ALL SELECT 'Harvest' UNION ALL SELECT 'Vertex'
 UNION ALL SELECT 'Atlas' UNION ALL SELECT 'Willow' UNION ALL SELECT 'Crest' UNION ALL SELECT 'Spark'
 UNION ALL SELECT 'Delta' UNION ALL SELECT 'Harbour' UNION ALL SELECT 'Summit' UNION ALL SELECT 'Grove') n;
INSERT INTO gen_word (kind, i, word)
SELECT 's', ROW_NUMBER() OVER (ORDER BY w), w FROM (SELECT 'Logistics' AS w UNION ALL SELECT 'Labs'
 UNION ALL SELECT 'Health' UNION ALL SELECT 'Systems' UNION ALL SELECT 'Partners' UNION ALL SELECT 'Foods'
 UNION ALL SELECT 'Energy' UNION ALL SELECT 'Capital' UNION ALL SELECT 'Analytics' UNION ALL SELECT 'Studio'
 UNION ALL SELECT 'Media' UNION ALL SELECT 'Clinic' UNION ALL SELECT 'Retail' UNION ALL SELECT 'Bank'
 UNION ALL SELECT 'Software' UNION ALL SELECT 'Group' UNION ALL SELECT 'Academy' UNION ALL SELECT 'Motors') s;

SET @gen_nfirst = (SELECT COUNT(*) FROM gen_first);
SET @gen_nlast = (SELECT COUNT(*) FROM gen_last);
SET @gen_nadj = (SELECT COUNT(*) FROM gen_word WHERE kind = 'a');
SET @gen_nnoun = (SELECT COUNT(*) FROM gen_word WHERE kind = 'n');
SET @gen_nkind = (SELECT COUNT(*) FROM gen_word WHERE kind = 's');

-- ---------------------------------------------------------------------------------------------
-- Organizations (ids @gen_obase + 1 ...), each with the four empty policy rows the dev seed gives
-- its organizations (every value from the server's configuration).

INSERT INTO organization (id, slug, name, status, description, created_at, updated_at)
SELECT @gen_obase + s.seq,
       CONCAT(LOWER(a.word), '-', LOWER(n.word), '-', s.seq),
       CONCAT(a.word, ' ', n.word, ' ', k.word),
       'active', 'bench/gen-users.sql', @gen_t0, @gen_t0
FROM seq_1_to_1000000000 s
JOIN gen_word a ON a.kind = 'a' AND a.i = 1 + s.seq MOD @gen_nadj
JOIN gen_word n ON n.kind = 'n' AND n.i = 1 + (s.seq DIV @gen_nadj) MOD @gen_nnoun
JOIN gen_word k ON k.kind = 's' AND k.i = 1 + CRC32(CONCAT('kind', s.seq)) MOD @gen_nkind
WHERE s.seq BETWEEN 1 AND @gen_orgs;

INSERT INTO policy (organization_id, kind, settings)
SELECT o.id, d.kind, '{}'
FROM organization o
CROSS JOIN (SELECT 'password' AS kind UNION ALL SELECT 'session' UNION ALL SELECT 'lockout'
            UNION ALL SELECT 'invitation') d
WHERE o.id BETWEEN @gen_obase + 1 AND @gen_obase + @gen_orgs;

SELECT 'gen-users: organizations' AS phase, NOW() AS at, ROW_COUNT() AS policy_rows;

-- ---------------------------------------------------------------------------------------------
-- People: the draws for every user, then the username base.  u1..u9: uniform in [0, 1).

CREATE TABLE gen_people (
    seq    INT NOT NULL PRIMARY KEY,
    fi     INT NOT NULL,
    li     INT NOT NULL,
    pat    TINYINT NOT NULL,
    org    INT NOT NULL,
    mail   TINYINT NOT NULL,	-- 0..3 a provider, 4 the organization's domain
    phone  TINYINT NOT NULL,
    state  TINYINT NOT NULL,	-- 0 enabled, 1 disabled, 2 locked by an administrator
    jitter INT NOT NULL,		-- seconds added to the creation time
    login  DOUBLE NULL,		-- last login: this share of the time since creation, NULL: never
    base   VARCHAR(60) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DELIMITER //
BEGIN NOT ATOMIC
    DECLARE lo INT DEFAULT 1;
    WHILE lo <= @gen_users DO
        INSERT INTO gen_people (seq, fi, li, pat, org, mail, phone, state, jitter, login, base)
        SELECT d.seq, d.fi, d.li, d.pat, d.org, d.mail, d.phone, d.state, d.jitter, d.login,
               CASE d.pat
                   WHEN 0 THEN CONCAT(f.slug, '.', l.slug)
                   WHEN 1 THEN CONCAT(LEFT(f.slug, 1), l.slug)
                   WHEN 2 THEN CONCAT(f.slug, '_', l.slug)
                   WHEN 3 THEN CONCAT(f.slug, l.slug)
                   ELSE CONCAT(l.slug, '.', f.slug)
               END
        FROM (
            SELECT r.seq,
                   1 + FLOOR(@gen_nfirst * POW(r.u1, 1.6)) AS fi,
                   1 + FLOOR(@gen_nlast * POW(r.u2, 1.4)) AS li,
                   CASE WHEN r.u3 < 0.35 THEN 0 WHEN r.u3 < 0.55 THEN 1 WHEN r.u3 < 0.70 THEN 2
                        WHEN r.u3 < 0.85 THEN 3 ELSE 4 END AS pat,
                   IF(r.seq <= @gen_orgs, r.seq, 1 + LEAST(@gen_orgs - 1, FLOOR(@gen_orgs * POW(r.u4, 3)))) AS org,
                   IF(r.u5 < 0.75, 4, FLOOR(r.u5 * 16) MOD 4) AS mail,
                   r.u6 < 0.33 AS phone,
                   CASE WHEN r.seq <= @gen_orgs THEN 0 WHEN r.u7 < 0.002 THEN 1
                        WHEN r.u7 < 0.0025 THEN 2 ELSE 0 END AS state,
                   FLOOR(r.u8 * @gen_step) AS jitter,
                   IF(r.u9 < 0.7 OR r.seq <= @gen_orgs, r.u9 * 10 - FLOOR(r.u9 * 10), NULL) AS login
            FROM (
                SELECT s.seq,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-a-', s.seq)), 1, 8), 16, 10) / 4294967296 AS u1,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-a-', s.seq)), 9, 8), 16, 10) / 4294967296 AS u2,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-a-', s.seq)), 17, 8), 16, 10) / 4294967296 AS u3,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-a-', s.seq)), 25, 8), 16, 10) / 4294967296 AS u4,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-b-', s.seq)), 1, 8), 16, 10) / 4294967296 AS u5,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-b-', s.seq)), 9, 8), 16, 10) / 4294967296 AS u6,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-b-', s.seq)), 17, 8), 16, 10) / 4294967296 AS u7,
                       CONV(SUBSTR(MD5(CONCAT('gh-users-b-', s.seq)), 25, 8), 16, 10) / 4294967296 AS u8,
                       CRC32(CONCAT('gh-users-c-', s.seq)) / 4294967296 AS u9
                FROM seq_1_to_1000000000 s
                WHERE s.seq BETWEEN lo AND LEAST(lo + @gen_batch - 1, @gen_users)
            ) r
        ) d
        JOIN gen_first f ON f.i = d.fi
        JOIN gen_last l ON l.i = d.li;
        SET lo = lo + @gen_batch;
    END WHILE;
END //
DELIMITER ;

-- Usernames: the base, then 2, 3, ... for later holders of the same base (in the table's
-- collation, so "the same" is what the unique index says).
CREATE TABLE gen_rn (seq INT NOT NULL PRIMARY KEY, rn INT NOT NULL) ENGINE=InnoDB
SELECT seq, ROW_NUMBER() OVER (PARTITION BY base ORDER BY seq) AS rn FROM gen_people;

SELECT 'gen-users: people drawn' AS phase, NOW() AS at, COUNT(*) AS people,
       COUNT(DISTINCT base) AS distinct_bases FROM gen_people;

-- ---------------------------------------------------------------------------------------------
-- Users, memberships and roles, batch by batch.

DELIMITER //
BEGIN NOT ATOMIC
    DECLARE lo INT DEFAULT 1;
    DECLARE hi INT;
    WHILE lo <= @gen_users DO
        SET hi = LEAST(lo + @gen_batch - 1, @gen_users);
        START TRANSACTION;
        INSERT INTO users (id, username, email, phone_number, first_name, last_name, full_name,
                           password_hash, role_id, is_enabled, is_account_non_locked,
                           last_login, password_changed_at, created_at, updated_at)
        SELECT @gen_ubase + p.seq,
               x.username,
               CONCAT(x.username, '@', CASE p.mail
                   WHEN 4 THEN CONCAT(o.slug, '.example')
                   WHEN 0 THEN 'mail.example' WHEN 1 THEN 'inbox.example'
                   WHEN 2 THEN 'post.example' ELSE 'example.net' END),
               IF(p.phone, CONCAT('+1555', LPAD(p.seq, 7, '0')), NULL),
               f.name, l.name, CONCAT(f.name, ' ', l.name),
               @gen_hash,
               IF(p.seq <= @gen_orgs, @gen_admin, @gen_member),
               p.state <> 1,
               p.state <> 2,
               IF(p.login IS NULL, NULL,
                  x.created + INTERVAL FLOOR(p.login * TIMESTAMPDIFF(SECOND, x.created, NOW())) SECOND),
               x.created, x.created, x.created
        FROM gen_people p
        JOIN gen_rn r ON r.seq = p.seq
        JOIN gen_first f ON f.i = p.fi
        JOIN gen_last l ON l.i = p.li
        JOIN organization o ON o.id = @gen_obase + p.org
        JOIN (SELECT p2.seq,
                     IF(r2.rn = 1, p2.base, CONCAT(p2.base, r2.rn)) AS username,
                     @gen_t0 + INTERVAL (FLOOR((p2.seq - 1) * @gen_step) + p2.jitter) SECOND AS created
              FROM gen_people p2 JOIN gen_rn r2 ON r2.seq = p2.seq
              WHERE p2.seq BETWEEN lo AND hi) x ON x.seq = p.seq
        WHERE p.seq BETWEEN lo AND hi;

        INSERT INTO user_organization (user_id, organization_id, is_primary, joined_at)
        SELECT @gen_ubase + p.seq, @gen_obase + p.org, 1, u.created_at
        FROM gen_people p JOIN users u ON u.id = @gen_ubase + p.seq
        WHERE p.seq BETWEEN lo AND hi;

        INSERT INTO user_roles (user_id, role_id, organization_id, created_at)
        SELECT @gen_ubase + p.seq, IF(p.seq <= @gen_orgs, @gen_admin, @gen_member),
               @gen_obase + p.org, u.created_at
        FROM gen_people p JOIN users u ON u.id = @gen_ubase + p.seq
        WHERE p.seq BETWEEN lo AND hi;
        COMMIT;
        SET lo = hi + 1;
    END WHILE;
END //
DELIMITER ;

SELECT 'gen-users: users loaded' AS phase, NOW() AS at;

DROP TABLE gen_first, gen_last, gen_word, gen_people, gen_rn;

-- Fresh statistics for the optimizer (the benchmark's plans depend on them).
ANALYZE TABLE users, user_organization, user_roles, user_search, organization, policy;

SELECT 'gen-users: done' AS phase, NOW() AS at,
       (SELECT COUNT(*) FROM users) AS users,
       (SELECT COUNT(*) FROM organization) AS organizations,
       (SELECT COUNT(*) FROM user_organization) AS memberships,
       (SELECT COUNT(*) FROM user_roles) AS role_grants,
       (SELECT COUNT(*) FROM user_search) AS search_prefixes;
