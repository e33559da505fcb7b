fn main() {
    let sig = opentim::usersig::sign(1400000000, "property-key", "administrator", 1_700_000_000, 86400);
    println!("{} len {}", sig, sig.len());
    let pos = 184 % sig.len();
    println!("pos {pos} char {:?}", sig.chars().nth(pos));
    let mut t: Vec<char> = sig.chars().collect(); t[pos] = '*';
    let t: String = t.into_iter().collect();
    println!("{t}");
    println!("{:?}", opentim::usersig::decode(&t));
}
